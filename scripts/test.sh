#!/usr/bin/env bash
# Quick start 2: install what is missing, then run every test: UI unit tests, Rust unit and
# system tests (the store on disk, the CLI, an independent SQLCipher client), and the
# real-window end-to-end tests under Xvfb. Screenshots land in ./test-output/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_system_packages "${SYSTEM_PACKAGES[@]}"
ensure_rust
ensure_cargo_tool cargo-nextest cargo-nextest
ensure_cargo_tool tauri-driver tauri-driver '^2'
ensure_python_venv
ensure_ui_built
"$REPO/scripts/package.sh" # the .deb that tests/tests/package_deb.rs checks

# A fresh clone builds once: incremental caches would only take disk (several GB).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

say "UI: type check and component tests"
(cd ui && npm run --silent typecheck && npm test --silent)

say "Rust: build the desktop app and the CLI (system tests drive the real binaries)"
cargo build -p madoguchi-app -p madoguchi-cli

say "Rust: every test in the workspace"
cargo nextest run --workspace --no-fail-fast
cargo test -q -p madoguchi-core --features bench-support --benches # benchmarks still run
cargo test -q -p madoguchi-report --benches
cargo test -q -p madoguchi-sync --benches

say "The TypeScript bindings generated from Rust match the committed ones"
if git -C "$REPO" rev-parse --git-dir >/dev/null 2>&1; then
  if [ -n "$(git -C "$REPO" status --porcelain -- ui/src/bindings)" ]; then
    git -C "$REPO" status --short -- ui/src/bindings
    echo "ui/src/bindings is out of date: commit the regenerated files" >&2
    exit 1
  fi
fi
df -h "$REPO" | tail -1 | awk '{print "disk: " $3 " used, " $4 " free"}'
du -sh "${CARGO_TARGET_DIR:-$REPO/target}" 2>/dev/null | awk '{print "build output: " $1}'
say "All tests passed"
