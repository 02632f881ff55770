"""`python -m pantau`."""

import sys

from pantau.cli import main

sys.exit(main())
