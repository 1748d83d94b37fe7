# The demo natively on Windows (Windows PowerShell 5.1 or PowerShell 7,
# Visual Studio 2022, CMake >= 3.25): builds the command-line tool with the
# msvc preset and runs `mailslot listen` and `mailslot send` against each other.
#
#   powershell -ExecutionPolicy Bypass -File scripts\demo.ps1
#   pwsh -File scripts/demo.ps1
#
# Stops at the first failure: $ErrorActionPreference stops at PowerShell's own
# errors, and the exit code of every program it runs is checked (neither
# version stops on a program's failure by itself).
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# Runs a program and throws if it fails.
function Invoke-Checked([string] $What, [scriptblock] $Command) {
  & $Command
  if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

Set-Location (Join-Path $PSScriptRoot '..')
Invoke-Checked 'configuring (cmake --preset msvc)' { cmake --preset msvc | Out-Null }
Invoke-Checked 'building the tool' { cmake --build --preset msvc --target mailslot_cli | Out-Null }

$tool = (Resolve-Path 'build\msvc\bin\Debug\mailslot.exe').Path
$slot = '\\.\mailslot\demo\inbox'
$log = New-TemporaryFile
try {
  $listener = Start-Process -FilePath $tool -ArgumentList @('listen', $slot, '--count', '3', '--idle-timeout', '30000') `
    -NoNewWindow -PassThru -RedirectStandardOutput $log.FullName
  $null = $listener.Handle  # (kept, so that ExitCode is known after the end)
  Start-Sleep -Seconds 1    # let the listener create the slot

  # Three messages, the last one empty. The command line is written out, so
  # that the empty argument survives: Windows PowerShell 5.1 drops an empty
  # argument given to a program with the call operator (&).
  $sender = Start-Process -FilePath $tool -NoNewWindow -PassThru `
    -ArgumentList "send `"$slot`" hello `"from a mailslot client`" `"`""
  $null = $sender.Handle
  if (-not $sender.WaitForExit(30000)) { $sender.Kill(); throw 'mailslot send did not end in 30 s' }
  if ($sender.ExitCode -ne 0) { throw "mailslot send failed (exit code $($sender.ExitCode))" }

  if (-not $listener.WaitForExit(30000)) {
    $listener.Kill()
    throw 'the listener did not receive three messages in 30 s'
  }
  if ($listener.ExitCode -ne 0) { throw "mailslot listen failed (exit code $($listener.ExitCode))" }
  Write-Output '--- the listener printed:'
  Get-Content $log.FullName
} finally {
  Remove-Item $log.FullName -ErrorAction SilentlyContinue
}
