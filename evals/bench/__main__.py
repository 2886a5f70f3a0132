"""`python -m evals.bench`: see evals/bench/README.md."""

import sys

from .run import main

sys.exit(main())
