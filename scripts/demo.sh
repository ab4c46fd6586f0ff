#!/usr/bin/env bash
# Quick start 1: install what is missing, then run the desktop app on a local encrypted demo
# store (fictional data) in ./.demo-data, with a hub started beside it (its own encrypted
# store in ./.demo-hub, on 127.0.0.1:7750) that the demo seat is enrolled with. The demo
# passphrase is printed below. A second seat can join from another terminal:
#   MADOGUCHI_DATA_DIR=/tmp/seat2 target/debug/madoguchi init --training --site デモ --seat 窓口2
#   target/debug/madoguchi --data-dir .demo-hub hub code   # then enrol and start the app
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_system_packages "${SYSTEM_PACKAGES[@]}"
ensure_rust
ensure_ui_built
say "Building the app and the madoguchi command"
cargo build -p madoguchi-app -p madoguchi-cli

TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
export MADOGUCHI_DATA_DIR="${MADOGUCHI_DATA_DIR:-$REPO/.demo-data}"
DEMO_PASSPHRASE="madoguchi-demo"
if [ ! -e "$MADOGUCHI_DATA_DIR/key.age" ]; then
  say "Creating the demo store in $MADOGUCHI_DATA_DIR"
  MADOGUCHI_PASSPHRASE="$DEMO_PASSPHRASE" "$TARGET/debug/madoguchi" init \
    --site "デモ市 マイナンバーカード特設窓口" --seat "窓口1" --demo
fi
HUB_DIR="${MADOGUCHI_HUB_DIR:-$REPO/.demo-hub}"
HUB_ADDR="127.0.0.1:${MADOGUCHI_HUB_PORT:-7750}"
export MADOGUCHI_PASSPHRASE="$DEMO_PASSPHRASE"
if [ ! -e "$HUB_DIR/key.age" ]; then
  say "Creating the demo hub's store in $HUB_DIR"
  "$TARGET/debug/madoguchi" --data-dir "$HUB_DIR" init --training --site "デモ市 マイナンバーカード特設窓口" --seat "ハブ"
fi
say "Starting the hub on $HUB_ADDR"
"$TARGET/debug/madoguchi" --data-dir "$HUB_DIR" hub serve --listen "$HUB_ADDR" &
HUB_PID=$!
trap 'kill $HUB_PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/${HUB_ADDR%:*}/${HUB_ADDR#*:}") 2>/dev/null && break; sleep 0.2; done
if ! "$TARGET/debug/madoguchi" sync >/dev/null 2>&1; then
  say "Enrolling the demo seat with the hub (its demo history is pushed to the hub)"
  CODE="$("$TARGET/debug/madoguchi" --data-dir "$HUB_DIR" hub code 2>/dev/null)"
  "$TARGET/debug/madoguchi" enrol --hub "$HUB_ADDR" --code "$CODE" || say "Enrolment failed; the app runs on its own"
fi
unset MADOGUCHI_PASSPHRASE
say "Starting Madoguchi. Demo passphrase (合言葉): $DEMO_PASSPHRASE"
say "Demo staff (職員番号 / 暗証番号): M001 / 1234 manager, S001 / 1111 counter staff, C001 / 2222 city staff"
"$TARGET/debug/madoguchi-app"
