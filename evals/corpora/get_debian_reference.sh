#!/usr/bin/env bash
# Fetch the English Debian Reference (HTML) from Debian's package archive and
# copy its chapter pages flat into DEST.
#
# Usage: bash evals/corpora/get_debian_reference.sh [DEST]
#   DEST defaults to corpora/debian-reference (relative to the repo root).
#
# Idempotent: re-running re-downloads the .deb into a temp dir and overwrites
# the same files in DEST. Needs apt-get and dpkg (Debian/Ubuntu).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="${1:-$REPO_ROOT/corpora/debian-reference}"
# Make DEST absolute (relative to the caller's cwd) before we cd elsewhere.
case "$DEST" in /*) ;; *) DEST="$PWD/$DEST" ;; esac
PKG="debian-reference-en"

for tool in apt-get dpkg; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool not found" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# apt's _apt sandbox user must be able to write the download dir.
chmod 755 "$WORK"

cd "$WORK"
if ! apt-get download "$PKG" >/dev/null 2>&1; then
    echo "apt-get download failed; running apt-get update and retrying" >&2
    apt-get update >/dev/null
    apt-get download "$PKG" >/dev/null
fi

DEB="$(ls "$WORK"/"$PKG"_*.deb | head -n1)"
echo "downloaded $(basename "$DEB")"
mkdir -p "$WORK/x"
dpkg -x "$DEB" "$WORK/x"

SRC="$WORK/x/usr/share/debian-reference"
if [ ! -d "$SRC" ]; then
    echo "error: $SRC not found in package" >&2
    exit 1
fi
# Decompress any gzipped HTML (none in 2.100, but be safe).
find "$SRC" -name '*.en.html.gz' -exec gunzip -f {} +

mkdir -p "$DEST"
# Content pages: preface (pr01), chapters (chNN), appendix (apX).
# index.en.html (title page + table of contents) is navigation only: skipped.
count=0
for f in "$SRC"/pr[0-9]*.en.html "$SRC"/ch[0-9]*.en.html "$SRC"/ap[a-z].en.html; do
    [ -e "$f" ] || continue
    cp -f "$f" "$DEST/"
    count=$((count + 1))
done
if [ "$count" -eq 0 ]; then
    echo "error: no HTML chapter files found in $SRC" >&2
    exit 1
fi
# Only HTML goes into DEST (license: see evals/corpora/README.md).

bytes=$(cat "$DEST"/*.html | wc -c)
echo "$count HTML files, $bytes bytes in $DEST"
