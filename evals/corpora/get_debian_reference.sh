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
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/debian-reference)"
unpack_deb debian-reference-en

SRC="$UNPACKED/usr/share/debian-reference"
if [ ! -d "$SRC" ]; then
    echo "error: $SRC not found in package" >&2
    exit 1
fi
# Decompress any gzipped HTML (none in 2.100, but be safe).
find "$SRC" -name '*.en.html.gz' -exec gunzip -f {} +

# Content pages: preface (pr01), chapters (chNN), appendix (apX).
# index.en.html (title page + table of contents) is navigation only: skipped.
# Only HTML goes into DEST (license: see evals/corpora/README.md).
PAGES=()
for f in "$SRC"/pr[0-9]*.en.html "$SRC"/ch[0-9]*.en.html "$SRC"/ap[a-z].en.html; do
    [ -e "$f" ] && PAGES+=("$(basename "$f")")
done
if [ "${#PAGES[@]}" -eq 0 ]; then
    echo "error: no HTML chapter files found in $SRC" >&2
    exit 1
fi
copy_files "$SRC" "$DEST" "${PAGES[@]}"
