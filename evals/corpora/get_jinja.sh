#!/usr/bin/env bash
# Fetch Jinja's Sphinx-built HTML documentation (an autodoc API reference: signatures with their defaults,
# "Parameters" field lists, "New in version" / "Changed in version" notes; the template designer documentation
# with the builtin filters, tests and globals; extensions, the sandbox, native types, integration, switching,
# tips and the FAQ) from Debian's package archive and copy the chosen pages flat into DEST.
#
# Usage: bash evals/corpora/get_jinja.sh [DEST]     (DEST defaults to corpora/jinja)
# Idempotent: re-running downloads the .deb into a temp dir and overwrites the same files in DEST.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/jinja)"
unpack_deb python-jinja2-doc

# The reference and guide pages; left out: changes.html (the changelog), index.html (its table of contents,
# whose one sentence of prose intro.html repeats), genindex, search, py-modindex and 404 (navigation only).
# The questions were written against python-jinja2-doc 3.1.2-1+deb12u3: a later package would change the
# text, so the pages are checked against these sums.
SUMS="8b0b884b13ae22dbd7b04a162ebf94f8da864620ceeb557eaec90ae8fc1cda98  api.html
096bb25417c09925857cfa2eaf14d2b0ea191c8455c7d928f5c934c52bdae3a5  extensions.html
d4902ba27348c5f728dc422f34bfe190b1d71942ffa42f1b205a52db35d90bd7  faq.html
68a9ce2d41c73540b5555004f5fc393e3c4dc689ca95aaae9668a465a44d958f  integration.html
03b6fc02c0857a727721e68646ef71c4cf62ab3225dea5dc7fb57f841c5d7c39  intro.html
445754c60b9c3b3b7c8e7441eefd078941b418a1a854c08c6e201e7e4c5778b4  license.html
57113f03d923a6f1d2ff0521fb9a69125b74fe0d7f0e695b0a89a1c72aa87371  nativetypes.html
2478873362cbc4e85bb34114d2ef9cfdf660ff35c40419f6e89e98ca769c5643  sandbox.html
a9a49d4409da47441f079b868e5aca26e6a781debe5eb48da0f31218b95c81c4  switching.html
85336c360484fb77ed2ff842daa161fb0e271754fd6f8ba5c076f3bb3384346f  templates.html
e44300805c17cb90993f25cc3a523901b501a5e03e23ef597bd30d15b7a57041  tricks.html"

HTML="$UNPACKED/usr/share/doc/python-jinja2-doc/html"
copy_checked "$HTML" "$DEST" "$SUMS" "python-jinja2-doc 3.1.2-1+deb12u3"
