set -e
cmake/wine-exec.sh build/wine/bin/mailslot_windows_tests.exe 2>&1 | tail -60
