#!/usr/bin/env bash
# Refreshes assets/holidays/syukujitsu.csv from the Cabinet Office (Shift_JIS → UTF-8, 2025 on).
set -euo pipefail
cd "$(dirname "$0")/.."
url=https://www8.cao.go.jp/chosei/shukujitsu/syukujitsu.csv
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
curl -fsSL "$url" | iconv -f SHIFT_JIS -t UTF-8 | tr -d '\r' >"$tmp"
{ head -n1 "$tmp"; tail -n +2 "$tmp" | awk -F/ '$1 >= 2025'; } | sed 's/$/\r/' >assets/holidays/syukujitsu.csv
echo "updated: $(($(wc -l <assets/holidays/syukujitsu.csv) - 1)) holidays, last $(tail -n1 assets/holidays/syukujitsu.csv)"
