#!/usr/bin/env bash
# The hub's Windows service, tried on this Linux machine: builds the `madoguchi` command for
# Windows (x86_64-pc-windows-gnu, MinGW) and runs it under Wine the way an administrator and the
# service control manager do (operator manual 6-14 (B)):
#   init the hub's store -> hub install-service -> sc start -> a Linux seat enrols and syncs
#   through it -> the installer's upgrade hooks stop and restart it (in place, and after the
#   old version's uninstaller) -> sc stop (a clean stop) -> hub uninstall-service
# and checks the service's lines reached the event log (Wine prints ReportEventW calls). A
# passphrase file everyone may read is refused on the way.
#
# Not part of CI: Wine and a Windows standard library are large, and the installer itself is
# built and tried on a Windows machine (docs/installing.md). Run it when the Windows service
# code changes:  scripts/windows-check.sh
#
# The Windows standard library comes from `rustup target add x86_64-pc-windows-gnu` where
# rustup can download. Where it cannot, put the rustc's own library source in the sysroot
# (rustup's rust-src, or Debian's rust-src package of the same version unpacked into
# $(rustc --print sysroot)/lib/rustlib/src/rust) and this builds std with -Zbuild-std.
source "$(dirname "$0")/lib.sh"
ensure_rust
ensure_system_packages gcc-mingw-w64-x86-64 wine64 nsis iproute2

TARGET=x86_64-pc-windows-gnu
LINUX_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
say "Building the Linux madoguchi (the seat)"
(cd "$REPO" && cargo build -q -p madoguchi-cli)
LINUX="$LINUX_TARGET_DIR/debug/madoguchi"
export CARGO_TARGET_DIR="${WINDOWS_TARGET_DIR:-$REPO/target-windows}"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
build=(cargo build -p madoguchi-cli --target "$TARGET")
if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET" \
   && ! rustup target add "$TARGET" 2>/dev/null; then
  if [ ! -f "$(rustc --print sysroot)/lib/rustlib/src/rust/library/Cargo.lock" ]; then
    echo "No Windows standard library: rustup cannot add $TARGET and the library source is not in the sysroot (see the top of this script)." >&2
    exit 1
  fi
  export RUSTC_BOOTSTRAP=1  # -Zbuild-std on a stable rustc, for this build only
  build+=(-Zbuild-std=std,panic_abort)
fi
say "Building madoguchi.exe ($TARGET)"
(cd "$REPO" && "${build[@]}")
BIN="$CARGO_TARGET_DIR/$TARGET/debug"

WORK="$(mktemp -d)"
export WINEPREFIX="$WORK/wine" WINEDEBUG="${WINEDEBUG:--all}"
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -f "$WORK/eventlog.txt" ]; then
    echo "--- Wine's event log lines (the check failed):" >&2
    grep -a 'eventlog' "$WORK/eventlog.txt" | tail -20 >&2
  fi
  wineserver -k 2>/dev/null || true
  kill "${KEEPER:-}" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
say "Wine prefix in $WORK"
# A Wine session lasts while a program of it runs: its services (and so the hub's) are stopped
# when the last one ends. A `cmd` waiting on its input keeps the session for the whole check. It
# is the session's first program, so Wine's services inherit its WINEDEBUG and stderr: with
# +eventlog, Wine prints each ReportEventW call, which is how the event log is read back here.
# Files are made by the wineserver, with its umask: 077, so a file Windows would give a private
# access list shows as one (see step 2).
umask 077
(sleep 100000 | WINEDEBUG="-all,+eventlog" wine cmd >/dev/null 2>"$WORK/eventlog.txt") &
KEEPER=$!
# Wait for the session to be the keeper's (its services print to its stderr) before any other
# Wine program runs, or that one could start the session instead.
for _ in $(seq 1 240); do
  grep -aq 'starting Event Log Service' "$WORK/eventlog.txt" 2>/dev/null && break
  sleep 0.5
done
grep -aq 'starting Event Log Service' "$WORK/eventlog.txt"
# Wine before 9 lacks bcryptprimitives.dll (ProcessPrng), which Rust's std calls: a stub that
# forwards to RtlGenRandom, beside the program.
# The program where the installer puts it (a path with a space, as on Windows).
PROGRAM_DIR="$WINEPREFIX/drive_c/Program Files/Madoguchi"
mkdir -p "$PROGRAM_DIR"
if [ "$(wine --version | sed -E 's/^wine-([0-9]+).*/\1/')" -lt 9 ]; then
  x86_64-w64-mingw32-gcc -shared -O2 -o "$PROGRAM_DIR/bcryptprimitives.dll" \
    "$REPO/scripts/windows/bcryptprimitives.c" -ladvapi32
fi
cp "$BIN/madoguchi.exe" "$PROGRAM_DIR/madoguchi.exe"

export MADOGUCHI_PASSPHRASE="windows-check passphrase"
HUB='C:\ProgramData\Madoguchi\hub'
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
win() { wine 'C:\Program Files\Madoguchi\madoguchi.exe' "$@"; }

say "1. init the hub's store in $HUB"
win --data-dir "$HUB" init --site "ウィンドウズ市" --seat ハブ
say "2. hub install-service (listening on 127.0.0.1:$PORT)"
win --data-dir "$HUB" hub install-service --listen "127.0.0.1:$PORT" --print
# Wine's icacls.exe is a stub that changes nothing, and Wine shows a file's access list from its
# Unix mode (others' read bit = "Everyone may read"). So the private list icacls gives the
# passphrase file on Windows comes here from the mode the wineserver creates it with (umask 077).
SECRET="$WINEPREFIX/drive_c/ProgramData/Madoguchi/hub.passphrase"
# A file planted there before is not kept: install-service makes the file new.
mkdir -p "$(dirname "$SECRET")" && echo planted > "$SECRET" && chmod 644 "$SECRET"
win --data-dir "$HUB" hub install-service --listen "127.0.0.1:$PORT"
[ "$(stat -c %a "$SECRET")" = 600 ] && ! grep -q planted "$SECRET"
wine reg query 'HKLM\System\CurrentControlSet\Services\MadoguchiHub' | tee "$WORK/service.reg"
grep -q 'run-service' "$WORK/service.reg"
grep -qi 'NT SERVICE\\MadoguchiHub' "$WORK/service.reg"
unset MADOGUCHI_PASSPHRASE  # from here the service reads its passphrase file only
say "3. a passphrase file everyone may read: the service refuses to start, and says why"
chmod 644 "$SECRET"
wine sc start MadoguchiHub || true
for _ in $(seq 1 60); do
  grep -aq 'may be read by Everyone' "$WORK/eventlog.txt" && break
  sleep 0.5
done
grep -a 'may be read by Everyone' "$WORK/eventlog.txt" | head -1
grep -aq 'may be read by Everyone' "$WORK/eventlog.txt"
! ss -ltn | grep -q "127.0.0.1:$PORT "
chmod 600 "$SECRET"

say "4. sc start MadoguchiHub"
wine sc start MadoguchiHub || true
for _ in $(seq 1 120); do
  ss -ltn | grep -q "127.0.0.1:$PORT " && break
  sleep 0.5
done
wine sc query MadoguchiHub | tee "$WORK/query.txt"
grep -q RUNNING "$WORK/query.txt"

say "5. a Linux seat enrols and syncs through the service"
export MADOGUCHI_PASSPHRASE="windows-check passphrase"
SEAT="$WORK/seat"
"$LINUX" --data-dir "$SEAT" init --site "ウィンドウズ市" --seat 窓口1
CODE="$(win --data-dir "$HUB" hub code | tr -d '\r')"
"$LINUX" --data-dir "$SEAT" enrol --hub "127.0.0.1:$PORT" --code "$CODE"
"$LINUX" --data-dir "$SEAT" sync
win --data-dir "$HUB" hub seats | tee "$WORK/seats.txt"
grep -q '窓口1' "$WORK/seats.txt"
unset MADOGUCHI_PASSPHRASE

say "6. an upgrade by the installer: its hooks stop the service for the new files and start it again"
makensis -V2 -DHOOKS="$REPO/src-tauri/packaging/windows-hooks.nsh" -DOUT="$WORK/hooks-check.exe" \
  "$REPO/scripts/windows/hooks-check.nsi"
cp "$WORK/hooks-check.exe" "$WINEPREFIX/drive_c/hooks-check.exe"
serving() { grep -ac 'hub serving' "$WORK/eventlog.txt"; }
wait_state() {  # wait_state STATE: until `sc query` says it (30 s)
  for _ in $(seq 1 60); do
    wine sc query MadoguchiHub > "$WORK/query.txt" 2>/dev/null || true
    grep -q "$1" "$WORK/query.txt" && break
    sleep 0.5
  done
  cat "$WORK/query.txt"
  grep -q "$1" "$WORK/query.txt"
}
before=$(serving)
wine 'C:\hooks-check.exe' /S   # installs into C:\Program Files\Madoguchi
wait_state RUNNING
[ "$(serving)" -gt "$before" ]  # a new hub process: it was stopped and started again
grep -aq 'INFO .*the hub service stopped"' "$WORK/eventlog.txt"

say "7. an upgrade that uninstalls the old version first: the uninstaller stops the service and keeps it; the installer starts it again"
wine 'C:\Program Files\Madoguchi\hooks-uninstall.exe' /S   # copies itself to %TEMP% and runs from there
wait_state STOPPED
before=$(serving)
wine 'C:\hooks-check.exe' /S
wait_state RUNNING
[ "$(serving)" -gt "$before" ]

say "8. sc stop MadoguchiHub"
wine sc stop MadoguchiHub
wait_state STOPPED
grep -Eq 'WIN32_EXIT_CODE +: +0 ' "$WORK/query.txt"
grep -q 'SERVICE_EXIT_CODE *: *0 ' "$WORK/query.txt"

say "9. hub uninstall-service (before removing Madoguchi from the hub PC for good)"
win hub uninstall-service
if wine sc query MadoguchiHub >/dev/null 2>&1; then echo "the service is still registered" >&2; exit 1; fi
test -f "$WINEPREFIX/drive_c/ProgramData/Madoguchi/hub.passphrase"   # the passphrase file stays
test -f "$WINEPREFIX/drive_c/ProgramData/Madoguchi/hub/key.age"      # and the data directory

say "10. the event log"
grep -a 'hub serving' "$WORK/eventlog.txt" | head -3
grep -aq 'hub serving' "$WORK/eventlog.txt"
grep -a 'the hub service stopped"' "$WORK/eventlog.txt" | head -1
grep -aq 'INFO .*the hub service stopped"' "$WORK/eventlog.txt"
say "The hub ran as a Windows service under Wine: installed, refused a readable passphrase file, started, served a seat, went through two kinds of upgrade, stopped, and was removed."
