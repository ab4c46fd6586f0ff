#!/bin/sh
# Madoguchi's .deb: after the program is removed. The data directories (each user's, and a
# hub's under /var/lib) are never removed here: citizens' data is removed only by the
# end-of-contract wipe, run *before* uninstalling (docs/wipe.md).
set -e
case "$1" in
  remove|purge)
    echo "窓口（Madoguchi）のプログラムを削除しました。データフォルダ（暗号化されたストア）は削除していません。" >&2
    echo "契約終了時のデータ消去は、アンインストールの前に madoguchi wipe（または「データ消去」画面）で行ってください（docs/wipe.md）。" >&2
    echo "Madoguchi removed. Its data directories were NOT removed: the end-of-contract wipe (madoguchi wipe) is the way to remove data; run it before uninstalling." >&2
    ;;
esac
exit 0
