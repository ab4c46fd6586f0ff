#!/usr/bin/env bash
# Quick start 1: install what is missing, then run the desktop app on a local encrypted demo
# store (fictional data) in ./.demo-data. The demo passphrase is printed below.
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
say "Starting Madoguchi. Demo passphrase (合言葉): $DEMO_PASSPHRASE"
say "Demo staff (職員番号 / 暗証番号): M001 / 1234 manager, S001 / 1111 counter staff, C001 / 2222 city staff"
exec "$TARGET/debug/madoguchi-app"
