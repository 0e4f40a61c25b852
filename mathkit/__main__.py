"""``python -m mathkit``: the command line."""

import sys

from mathkit.cli import main

sys.exit(main())
