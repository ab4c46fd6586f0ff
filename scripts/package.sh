#!/usr/bin/env bash
# Builds the Linux installer: a .deb of the desktop app (madoguchi-app) with the `madoguchi`
# command, the desktop entry, the icon and the licences (see src-tauri/tauri.conf.json > bundle).
# Prints the .deb's path on the last line. Nothing is downloaded at build time: the Tauri CLI is
# the npm package @tauri-apps/cli (a dev dependency of ui/, installed with the UI's packages) and
# the deb bundler needs only dpkg's own format. The Windows installer (NSIS) is built on a Windows
# machine: see docs/installing.md.
#
# This builds a DEBUG bundle (`tauri build --debug`): it reuses the debug build that
# scripts/test.sh makes anyway (same profile, same CARGO_TARGET_DIR), so CI rebuilds only the
# tauri crate and the app with the `custom-protocol` feature the bundler adds, not a whole release
# build. A release .deb for the city: MADOGUCHI_PROFILE=release scripts/package.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_system_packages "${SYSTEM_PACKAGES[@]}"
ensure_rust
ensure_ui_built

export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
PROFILE="${MADOGUCHI_PROFILE:-debug}"
case "$PROFILE" in
  debug) PROFILE_FLAG=(--debug) CARGO_FLAG=() ;;
  release) PROFILE_FLAG=() CARGO_FLAG=(--release) ;;
  *) echo "MADOGUCHI_PROFILE must be debug or release, not $PROFILE" >&2; exit 1 ;;
esac
# `tauri build` asks cargo where the target dir is, so CARGO_TARGET_DIR is respected there too.
TARGET="${CARGO_TARGET_DIR:-$REPO/target}"
TARGET="$(mkdir -p "$TARGET" && cd "$TARGET" && pwd)"

say "Building the madoguchi command ($PROFILE)"
cargo build -p madoguchi-cli ${CARGO_FLAG[@]+"${CARGO_FLAG[@]}"}

say "Bundling the .deb (tauri build $PROFILE, bundle deb)"
rm -rf "$TARGET/$PROFILE/bundle/deb"
# The config's /usr/bin/madoguchi entry names the release build in ./target; point it at the
# binary just built (a merge patch over tauri.conf.json).
CONFIG="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/madoguchi\":\"$TARGET/$PROFILE/madoguchi\"}}}}}"
(cd "$REPO/src-tauri" && "$REPO/ui/node_modules/.bin/tauri" build ${PROFILE_FLAG[@]+"${PROFILE_FLAG[@]}"} \
  --bundles deb --ci --config "$CONFIG")

DEB="$(ls -t "$TARGET/$PROFILE/bundle/deb/"*.deb 2>/dev/null | head -1)"
if [ -z "$DEB" ]; then
  echo "no .deb under $TARGET/$PROFILE/bundle/deb" >&2
  exit 1
fi
say "Built $(du -h "$DEB" | cut -f1) package"
echo "$DEB"
