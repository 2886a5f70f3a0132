#!/usr/bin/env bash
# Fetch Click's Sphinx-built HTML documentation (an autodoc API reference: signatures with their defaults
# in definition lists, "Parameters" field lists, "Changed in version" notes; plus a user guide of options,
# arguments, commands, prompts, testing and shell completion) from Debian's package archive and copy the
# chosen pages flat into DEST.
#
# Usage: bash evals/corpora/get_click.sh [DEST]     (DEST defaults to corpora/click)
# Idempotent: re-running downloads the .deb into a temp dir and overwrites the same files in DEST.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deb.sh"
DEST="$(abs_dest "${1:-}" corpora/click)"
unpack_deb python-click-doc

# The reference and guide pages; left out: changes.html (the changelog), genindex, search, py-modindex
# and 404 (navigation only). The questions were written against python-click-doc 8.1.3-2: a later
# package would change the text, so the pages are checked against these sums.
SUMS="dfda87503890a1c850745fe22762bda64dd94a07142b7d6836cda5d57781bb26  advanced.html
fd9a29af76348c9ef6ad7d098dab71c159a6cb59847b45e5c7a70785e7390392  api.html
215586089d2486531620f9445760d43c8a8108f4b75c1bedea067fc6c4ef8fb8  arguments.html
fe5050b6909cfd9f290f0ad8b395c28464cdb3b666c53cb9932da019cf82e534  commands.html
420c61bf52042e2fc75cd76a5109828aec9e8998b4c706b15bc31de102957190  complex.html
741153140fb68c6aa2d92aebab3035a089d271d21f5f5ef35590fb1c4231f853  contrib.html
dbfc470a3514df99488780f12a7c0a79d47cd2953485c79abc726cd7182a4170  documentation.html
3537f5649fa213b855aaec9499dd9adbf2ae9461dd6cd23196dd1cabd945b456  exceptions.html
fc1d4f51824d6e5e30a981e51c0d7437211a864a33f69ef4ce4c3d137fe171e2  index.html
17ad465f30f7100cf03b365213385eb2e1893ffb3a7173224f65ee1ecca40249  license.html
8f7a9c05725bd35c7209d8c0566298f317d4c33e3538d2220fe46467403fec6b  options.html
c5f7917c5853c7cdb5ef07ecda23580e2afabf785c77833898151ed93322b1d8  parameters.html
099976e48093c4d869abbecb3a90ba298eb2fb91e6d3b6437ba22c45d956b8e9  prompts.html
b608558f16193db8cb73a40e3e8788b86ba3a8e1e94b01b06571660c13a1c633  quickstart.html
bec1922c8271a2317aceea9c505361f1c9d3d3544509832b35331fa6c48adb43  setuptools.html
c7a2f3de315f770424288938e7ec9bba671a90ca820553f90ed64be17a865d71  shell-completion.html
cfc844018f7095c3245004af82d7fde4a33650e842974a0f2e922cedd21a2778  testing.html
3fa9442e649b242e5c04040c89ed4a034f542e8a54eb9a1310b5ceac10c0b776  unicode-support.html
5f09f0a3a38f15908c09bb5e499b38888985728a27b95351e16cad0eda4e5831  upgrading.html
a9184d0c53061bbd7bd266755adb05f1a64e80e2acb8f319a801d9de3dde5e93  utils.html
82a87ae7eaa24595d3bcb0b41596e1d7173ffd900e30145a3f0e10147ef45fcc  why.html
c71a605fe2976d02d1dfb53d3d27e20f73da4efbb6509b79fa7b2603b4ecf68a  wincmd.html"

HTML="$UNPACKED/usr/share/doc/python-click-doc/html"
copy_checked "$HTML" "$DEST" "$SUMS" "python-click-doc 8.1.3-2"
