#!/usr/bin/env bash
# Fetch one of the documents of the fresh questions (evals/README.md, "Session 17") from Debian's package archive
# and copy its pages into DEST (default corpora/fresh/NAME).
#
# Usage: bash evals/fresh/get.sh NAME [DEST]     NAME: bs4 cache conf sqlite doit cbor bidict blinker
# The questions were written against these package versions: the pages are checked against their sums.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../corpora/deb.sh"
NAME="${1:?usage: get.sh NAME [DEST]}"
DEST="$(abs_dest "${2:-}" "corpora/fresh/$NAME")"
case "$NAME" in
bs4)  # Beautiful Soup 4's guide, one long page
    PKG=python-bs4-doc LABEL="python-bs4-doc 4.11.2-2" DOC=usr/share/doc/python-bs4-doc/html
    SUMS="7d92bcfcd50da05f548b0116e54255f3be3434c5e84031f481bb98c620e7a979  index.html" ;;
cache)  # cachelib's API reference, a page per backend
    PKG=python-cachelib-doc LABEL="python-cachelib-doc 0.9.0-1" DOC=usr/share/doc/python3-cachelib/html
    SUMS="896b723ab1a63b9b6df5c92accc5add3b6f1ed1c23ee99aa17d9ede01c535f5c  base.html
05f9b03d9ccb3f0388cc30e8b799ef268d7f98ce9ba826b91cbb72157aad37b2  file.html
39ccc1802cfc649fc5323ab9ed54332ba25e0b6c4ba5720bb28b0f919a99cbed  index.html
d66cc5762283f6168e4a7202899e077668c9414d27ee2011510d154acefdf5b6  memcached.html
fa47fc542de186d74de06fb2a003c37e1394308dbad12e2021e3607b808320d0  redis.html
43c07ae9c23a9d25f4c0b4d917395d3d5d1a3a9ca23e65c6af0411003926087f  simple.html
a5972da5656bb0ee040a576ce214de27da307759af5e96de2a14337f294e51b8  uwsgi.html" ;;
conf)  # ConfigObj's and validate's manuals (docutils field lists)
    PKG=python-configobj-doc LABEL="python-configobj-doc 5.0.8-1" DOC=usr/share/doc/python-configobj-doc/html
    SUMS="82e46c25204ad9b77ec0861f222f59bc3b9a1f433dd3884a4f56e46169c7fd6a  configobj.html
325c6a98e90834cf45541171fe284b9404f991c878e34a3fc624ce3841b47194  validate.html" ;;
sqlite)  # ten pages of SQLite's documentation (limits, datatypes, WAL, date functions, FAQ ...)
    PKG=sqlite3-doc LABEL="sqlite3-doc 3.40.1-2+deb12u2" DOC=usr/share/doc/sqlite3
    SUMS="0d816b1766a77d048ac46814cfd573f602bc587399f67346815bfa02f21f1b2c  autoinc.html
dee8d75f5f6a1b762f317f31db2345b653d8ed918f6a4b8b17e3c9a404eb7436  datatype3.html
f521c7145ea05014a91fb8b548c6b8f94168621b72d5158b3ca14667d248a5a7  faq.html
a6c8c1f5acc6fda5a991c3d5f260d6bb0951e5f0f5f73cffa197d8dd79e9d6e9  foreignkeys.html
6b7876e4ac368179ba65d1a78ee1cc56ac4072a0100596fc3abb4acd3107f58f  lang_datefunc.html
cdd61d1f40eba540500502771f54a0229b6166efaffea8b8ceba13e5ae2aa6cc  lang_returning.html
909fee3751c444054435b72e5c5bf5a1c04e283e653c294c3ea5e7a360b27ada  lang_upsert.html
c8ce36be3280ea10a22db68a99643f5b7eaa0f7064685f301e04b734f4b20cac  limits.html
6de416a73b7754fd7a752ec04913eb6423d15b387fe6995f6a78bd148657f36f  wal.html
4f780133368c5fed82ec3340854f5e1c74e11d4d7388780842f057a6712e69e4  whentouse.html" ;;
doit)  # doit's user guide (commands, tasks, dependencies, configuration, FAQ)
    PKG=python-doit-doc LABEL="python-doit-doc 0.31.1-3.3" DOC=usr/share/doc/python-doit-doc/html
    SUMS="a1b677bc0ec6316aa01dc672745b066254830b951d8334eb25f21472bc76c707  cmd_other.html
f831ef5259b27dd962da34249d403990469297f653fc09796ec9cac398dd1bca  cmd_run.html
6ad5d408a3e744c8a09ac0482a81f1ac6a7aae66cb977cfd5ca0bae60c4e7a71  configuration.html
87944740d091276663d77dfc9d9bec0d0e4ec8c58e1e9d171907939cba66a664  dependencies.html
d327b8273a7ebe6fb75a72c5834eec49dcea0ad14462678823d9237cc19a6132  faq.html
21e0596610ba119b1c933f7e6ddaf9c9210b30103f03f1b8317ce0164a19e8c6  task_args.html
dbb79e8337611fa0f4e3ac5a3034ba8f7cb58a2e13492c756a9f5401e77efe95  task_creation.html
50e5ab5145e6fc64e9344409a46b1ede7a92d1ecee9dde8bfb92e0c47e0730e5  tasks.html
c956a0e22fe623b322acd8375ad07c430f48f361cb7f5c1a0354dac66cbdeda3  tools.html
071704b7a44f728bc3bb30c44e8a4040495165745ac515097508fd77d80fa52b  uptodate.html" ;;
cbor)  # cbor2's API reference, usage guide and version history
    PKG=python-cbor2-doc LABEL="python-cbor2-doc 5.4.6-1" DOC=usr/share/doc/python-cbor2-doc/html
    SUMS="16bcba5fb225826782b9c8b18c4782e8f8275a959285fb0974daad073a25cb4c  customizing.html
a16d37bbba7cf8c96ee5b10dcb294fa5df9310425b61beb7391e4aacbfa93587  modules/decoder.html
392e6b58699e8cf5ea6507b37fde2d4576caf1445bb0f645a6e7049b8588cf08  modules/encoder.html
5f7e5a236b2640e57f6e047bf3cfff618519e2d3dcb98a0320711dbc5be0a358  modules/types.html
e59cbd607a43375d3989d79ba05c9a3e6d9ca584e91f673575ac4c9f17a61036  usage.html
74463d4f50c54409659048d0c7f374fa36beb3430a2f56c664a2fa0375183592  versionhistory.html" ;;
bidict)  # bidict's guide and API reference
    PKG=python-bidict-doc LABEL="python-bidict-doc 0.22.1-1" DOC=usr/share/doc/python-bidict-doc/html
    SUMS="80130b4bcd06be36dd9fc92c2385bb70e4f5a408ec5b1728e1a2a8f0d1779297  addendum.html
cf17b5c4ac535e49e24d3c8d9150d1bd71f2ba27b1bc6a3c10dea84b945f34b2  api.html
73273e5983ce690c110db91c8b4822bc84108e364b8486ba0db30d2b74c80aa6  basic-usage.html
e498c3ebd5dd95ecec409388852cc594ef4122c68ca16f196949ab6e83983f61  extending.html
7d0d78431db0ce37fb46fe8fb074b5dc02ce6fc62daa2189daec13fa9cf1ec36  intro.html
33745b822a563e3a72bd8c4f32743164c3b4870af491ccaf310f0f44e6b60078  learning-from-bidict.html
83a23941ca81b8fe9352242b77af07d7734119ac3947915ccdef2b1dfee227f1  other-bidict-types.html
a67c3083a3f5cc075d7c5a5dd86b9303f559f58157230b061cee78f3d3baf7d7  other-functionality.html" ;;
blinker)  # blinker's one page: guide, API reference and changelog
    PKG=python-blinker-doc LABEL="python-blinker-doc 1.5-1" DOC=usr/share/doc/python-blinker-doc/html
    SUMS="8c643867f18b9ba172ff7a9f15ff0cfafcbad300801db7f7e17e21f1fcbb2b62  index.html" ;;
*) echo "error: unknown NAME $NAME (bs4 cache conf sqlite doit cbor bidict blinker)" >&2; exit 2 ;;
esac
unpack_deb "$PKG"
copy_checked "$UNPACKED/$DOC" "$DEST" "$SUMS" "$LABEL"
