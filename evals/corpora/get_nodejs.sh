#!/usr/bin/env bash
# Fetch eleven pages of Node.js 18's API reference, as the Markdown they are written in, from Debian's
# package archive and copy them, decompressed, flat into DEST.
#
# Usage: bash evals/corpora/get_nodejs.sh [DEST]     (DEST defaults to corpora/nodejs)
# Idempotent: re-running downloads the .deb into a temp dir and overwrites the same files in DEST.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/nodejs)"
unpack_deb nodejs-doc

# The pages' Markdown sources (Debian gzips them; the HTML and JSON renderings beside them are left out).
# Chosen for a mix of shapes at a modest size: small modules (path, querystring, timers, console, tty,
# punycode), larger ones (os, readline, url, events) and the command-line options page (cli).
# The questions were written against nodejs-doc 18.20.4+dfsg-1~deb12u3 (deb12u2 ships the same pages):
# a security update to a later Node.js would change the text, so the pages are checked against these sums.
SUMS="809cadfc509b2f055af6afa33260dfe8748bbc0feea40006c81eab898575ae97  path.md
a78b20945723e0dfb93bd247fb58b553469150f67ac9a03fd7998c7bef9eb953  querystring.md
ace569dc69f25d962ac77d89a07ba630c5bb2703f5c7eae55cefe4c6700e8192  timers.md
0a824d063c2f9f5e0b2fc63d8c5e74410e8471f86e51a45e96a09f593c6c8ec5  console.md
7d80f5fe9dec768311920a83fc3d18116a809ff056e45d3f00c19c27d1038008  tty.md
e80f85b38447f21005eb5ab340500f6c25c733cdc1ee9319461c0627453fa9cd  punycode.md
e8b47fd8d4f0bb5afcc10220f37b7846763b127fa3d5a2a515d16e3750225c0d  os.md
6307a49c30df26a0c9db3086ca441823d2cb2c5fbcacb06110cb84ef552edcbd  readline.md
b1e4f18f82a3f513fe52d7d0d9d25a5277c2f6cce8d103dec401c2ac877fdf17  url.md
4e08b28fe84f6b25c159c77c9f04bd96532f147845aed2a3a4a3f8fa25d9d7c2  events.md
50e7344a8b0a11831fe983aa53fdb17eab07f907f19109b79cfdabcce6737298  cli.md"

API="$UNPACKED/usr/share/doc/nodejs/api"
PAGES=()
while read -r _ page; do
    [ -f "$API/$page.gz" ] || { echo "error: $API/$page.gz not found in package" >&2; exit 1; }
    gzip -dc "$API/$page.gz" > "$DEB_WORK/$page"
    PAGES+=("$page")
done <<< "$SUMS"
if ! (cd "$DEB_WORK" && sha256sum --quiet -c - <<< "$SUMS" >&2); then
    echo "error: these pages differ from nodejs-doc 18.20.4, which the questions were written against" >&2
    exit 1
fi
copy_files "$DEB_WORK" "$DEST" "${PAGES[@]}"
