# The demo natively on Windows (PowerShell, Visual Studio 2022, CMake >= 3.25):
# builds the command-line tool with the msvc preset and runs `mailslot listen`
# and `mailslot send` against each other.
#
#   powershell -ExecutionPolicy Bypass -File scripts\demo.ps1
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '..')
cmake --preset msvc | Out-Null
cmake --build --preset msvc --target mailslot_cli | Out-Null

$tool = Resolve-Path 'build\msvc\bin\Debug\mailslot.exe'
$slot = '\\.\mailslot\demo\inbox'
$log = New-TemporaryFile
$listener = Start-Process -FilePath $tool -ArgumentList @('listen', $slot, '--count', '3') `
  -NoNewWindow -PassThru -RedirectStandardOutput $log
Start-Sleep -Seconds 1   # let the listener create the slot
& $tool send $slot hello 'from a mailslot client' ''
$listener.WaitForExit()
Write-Output '--- the listener printed:'
Get-Content $log
Remove-Item $log
