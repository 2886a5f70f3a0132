#!/usr/bin/env bash
# Fetch "An Introduction to R" (a PDF manual of prose, 100+ pages) from Debian's package archive
# into DEST.
#
# Usage: bash evals/corpora/get_r_intro.sh [DEST]     (DEST defaults to corpora/r-intro)
# Idempotent: re-running downloads the .deb into a temp dir and overwrites the same file in DEST.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/r-intro)"
unpack_deb r-doc-pdf

# Only this manual: the package's other PDFs (the reference manual alone is 6.5 MB) are left out.
copy_files "$UNPACKED/usr/share/R/doc/manual" "$DEST" R-intro.pdf
