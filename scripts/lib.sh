# Shared set-up steps for scripts/demo.sh and scripts/test.sh. Each step installs only what is
# missing, so running a script twice is fast. Sourced, not run.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian/Ubuntu packages: Tauri's build and runtime libraries, the headless real-window test
# stack (Xvfb, WebKitWebDriver), a Japanese font, Node for the UI, and Python for the
# independent SQLCipher check, and poppler-utils + qpdf to read back the PDF reports.
SYSTEM_PACKAGES=(
  build-essential curl wget file pkg-config libssl-dev libxdo-dev libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev fonts-noto-cjk
  xvfb xauth x11-utils webkit2gtk-driver
  python3 python3-venv git poppler-utils qpdf systemd
)

ensure_system_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
  fi
}

ensure_rust() {
  if ! command -v cargo >/dev/null; then
    echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2
    exit 1
  fi
}

ensure_node() {
  # Vite 6 and Vitest 3 need Node 18 or newer (Debian 12's own nodejs is 18).
  if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then
    ensure_system_packages nodejs npm
  fi
}

ensure_ui_built() {
  ensure_node
  cd "$REPO/ui"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing UI packages"
    # `npm install`, not `npm ci`: npm 11.19 writes lock files without other platforms'
    # optional packages and then its own `npm ci` rejects them. The locked versions still hold.
    npm install --no-audit --no-fund
  fi
  say "Building the UI"
  npm run build --silent
  cd "$REPO"
}

ensure_cargo_tool() { # binary crate [version]
  if ! command -v "$1" >/dev/null; then
    say "Installing $2 (cargo install)"
    cargo install --locked "$2" ${3:+--version "$3"}
  fi
}

ensure_python_venv() {
  # sqlcipher3-binary: an independent SQLCipher 4 client; cryptography: AES for
  # tests/python/sqlcipher_pages.py, which decrypts a store's pages itself.
  if ! "$REPO/.venv/bin/python" -c 'import sqlcipher3, cryptography' 2>/dev/null; then
    say "Preparing .venv with sqlcipher3-binary and cryptography (independent SQLCipher 4 readers for tests)"
    python3 -m venv "$REPO/.venv"
    "$REPO/.venv/bin/pip" install --quiet --disable-pip-version-check sqlcipher3-binary cryptography
  fi
}
