#!/usr/bin/env bash
# Fetch Werkzeug's Sphinx-built HTML documentation (an API reference with definition lists) from
# Debian's package archive and copy the chosen pages into DEST, keeping their sub-folders.
#
# Usage: bash evals/corpora/get_werkzeug.sh [DEST]     (DEST defaults to corpora/werkzeug)
# Idempotent: re-running downloads the .deb into a temp dir and overwrites the same files in DEST.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/werkzeug)"
unpack_deb python-werkzeug-doc

# The reference and guide pages; left out: changes.html (the changelog), genindex, search, 404,
# py-modindex (navigation only) and the examples/ folder (templates of the sample apps).
PAGES=(
    index.html installation.html quickstart.html tutorial.html terms.html unicode.html levels.html
    request_data.html wrappers.html routing.html wsgi.html http.html datastructures.html utils.html
    urls.html local.html serving.html test.html debug.html exceptions.html license.html
    middleware/index.html middleware/dispatcher.html middleware/http_proxy.html middleware/lint.html
    middleware/profiler.html middleware/proxy_fix.html middleware/shared_data.html
    deployment/index.html deployment/apache-httpd.html deployment/eventlet.html deployment/gevent.html
    deployment/gunicorn.html deployment/mod_wsgi.html deployment/nginx.html deployment/proxy_fix.html
    deployment/uwsgi.html deployment/waitress.html
)
copy_files "$UNPACKED/usr/share/doc/python-werkzeug-doc/html" "$DEST" "${PAGES[@]}"
