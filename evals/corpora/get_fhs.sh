#!/usr/bin/env bash
# Fetch the Filesystem Hierarchy Standard 3.0 (a specification typeset as a PDF by DocBook: numbered sections, a
# running title and page number over each page, footnotes, tables of directories and commands) from Debian's
# package archive (debian-policy ships it gzipped) into DEST.
#
# Usage: bash evals/corpora/get_fhs.sh [DEST]     (DEST defaults to corpora/fhs)
# Idempotent: re-running downloads the .deb into a temp dir and overwrites the same file in DEST.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/fhs)"
unpack_deb debian-policy

# The questions were written against debian-policy 4.6.2.0: another PDF would change the text.
SUM="53d239e569a2d7b31a74fa09d585368c0f5a164e4624723fa2894660dd10fd23"
mkdir -p "$DEST"
gunzip -c "$UNPACKED/usr/share/doc/debian-policy/fhs/fhs-3.0.pdf.gz" > "$DEB_WORK/fhs-3.0.pdf"
if [ "$(sha256sum "$DEB_WORK/fhs-3.0.pdf" | cut -d' ' -f1)" != "$SUM" ]; then
    echo "error: fhs-3.0.pdf differs from debian-policy 4.6.2.0's, which the questions were written against" >&2
    exit 1
fi
cp "$DEB_WORK/fhs-3.0.pdf" "$DEST/fhs-3.0.pdf"
echo "copied fhs-3.0.pdf to $DEST"
