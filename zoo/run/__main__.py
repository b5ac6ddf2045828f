"""python -m zoo.run: see zoo/run/cli.py."""

import sys

from .cli import main

sys.exit(main())
