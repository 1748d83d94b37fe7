export WINEPREFIX=/var/cache/mailslot-test/wine/wine-user
M() { cmake/wine-exec.sh build/wine/bin/mailslot.exe "$@"; }
D=build/user-try
run() { echo "===== $*"; M "$@" >$D/o 2>$D/e </dev/null; echo "rc=$?"; [ -s $D/o ] && { echo "--stdout:"; cat -A $D/o | head -20; }; echo "--stderr:"; cat -A $D/e | head -20; }
M listen '\\.\mailslot\try\Case' --idle-timeout 2500 >$D/l.o 2>$D/l.e & L=$!
sleep 1.5
run send '\\.\MAILSLOT\TRY\CASE' upper
run send '\\.\mailslot\try\case' lower
wait $L; echo "listen rc=$?"; cat -A $D/l.o $D/l.e
M listen '\\.\mailslot\try\dot.' --idle-timeout 2500 >$D/l.o 2>$D/l.e & L=$!
sleep 1.5
run send '\\.\mailslot\try\dot' nodot
run send '\\.\mailslot\try\dot.' withdot
run send '\\.\mailslot\try\dot ' withspace
wait $L; echo "listen rc=$?"; cat -A $D/l.o $D/l.e
run send '\\.\mailslot\try\x' --file=
run listen '\\.\mailslot\try\x' --duration 100 --idle-timeout 5000
run listen '\\.\mailslot\try\x' --count 1 --duration 300
