#!/usr/bin/env bash
# Fetch the English Debian GNU/Linux FAQ (HTML) from Debian's package archive and copy its chapter
# pages flat into DEST.
#
# Usage: bash evals/corpora/get_debian_faq.sh [DEST]     (DEST defaults to corpora/debian-faq)
# Idempotent: re-running downloads the .deb into a temp dir and overwrites the same files in DEST.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/debian-faq)"
unpack_deb debian-faq

# The 16 chapters; index.en.html (title page and table of contents) is navigation only. The
# package also has each page without ".en" (the same file) and a PDF and a text version: left out.
PAGES=(
    basic-defs.en.html getting-debian.en.html choosing.en.html compatibility.en.html software.en.html
    ftparchives.en.html pkg-basics.en.html pkgtools.en.html uptodate.en.html kernel.en.html
    customizing.en.html support.en.html contributing.en.html redistributing.en.html
    nextrelease.en.html faqinfo.en.html
)
copy_files "$UNPACKED/usr/share/doc/debian/FAQ" "$DEST" "${PAGES[@]}"
