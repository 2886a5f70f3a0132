#!/usr/bin/env bash
# Fetch psycopg2's Sphinx-built HTML documentation (an API reference written in the standard library's
# style: hand-written signatures in definition lists, prose descriptions, "New in version" notes, tables)
# from Debian's package archive and copy the chosen pages flat into DEST.
#
# Usage: bash evals/corpora/get_psycopg2.sh [DEST]     (DEST defaults to corpora/psycopg2)
# Idempotent: re-running downloads the .deb into a temp dir and overwrites the same files in DEST.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/psycopg2)"
unpack_deb python-psycopg2-doc

# The reference and guide pages; left out: news.html (the changelog), genindex, search and py-modindex
# (navigation only). The questions were written against python-psycopg2-doc 2.9.5-1: a later package
# would change the text, so the pages are checked against these sums.
SUMS="0d5287add1c4c52d23e3d735a769f59d16ed23295f5d869d2ca6c758ff0add8e  advanced.html
fc32032a39edbb51c46e7bdd2efc979fc420ad0e70d2a1fa1dd147becf45dfcc  connection.html
c72be26db2b85e4b0d57e0e35f2aef7174298058955f742be985da90535bcfdb  cursor.html
26198062cde299084387b5e31e197c829954ba0e113b5c0a36ecc8cf876d2bb0  errorcodes.html
6fd5547bf0d1889e0b977823ffbc0bc168dff252c97c416dfe4b2444cd25f31f  errors.html
5f7de990a1b963c55816f26006be6a81a183420e659dcfa5e654398a46a5838e  extensions.html
cdea6b7d33ab6feda08dbdcfd82a4dd8a8a27b999a025470d16a6bf80dee5b50  extras.html
7b099f079c7dcc74e8be63b0012569bf69d7b59eed3dabc6b0bb539aba29c3c0  faq.html
b188c36d10921837421b1f26c37949b57a12e354ffa6a5f28b54974fd4db666e  index.html
e1316711cbecba2402b60f04e6f53ede5595067b1bf40e251cd2d4e135b80054  install.html
1731a045cf4a4f1639b922abee02e62389c1450b41fcd50fabae653ce816e6ee  license.html
1be70955a647aad99d89ea7cd6607b23c720a8c576fe6acf087ee7df9dce4d33  module.html
05f82d8f983b1e34f3563f6dc8ed713a88c27dfc69339232cd4dd1d551affb30  pool.html
86f03515e5957544a3e5fc42efac467eaf5f5e0abfb9bd7397e100853a269975  sql.html
51cb37014255296f08949846987f1edc39ff8bfc776e810550395fdea4b6605d  sqlstate_errors.html
85dff4beef23ea64677057f68da80e8e0ef7ae09a9603aebc7c472f00d818d3e  tz.html
8ce18f9c5f53bba5fefc88c35310f65eea11c3d9e9a205f5306cb9f054b8be57  usage.html"

HTML="$UNPACKED/usr/share/doc/python-psycopg2-doc/html"
copy_checked "$HTML" "$DEST" "$SUMS" "python-psycopg2-doc 2.9.5-1"
