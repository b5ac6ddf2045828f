"""python -m zoo.run: see zoo/run/cli.py."""

import sys

from .huge_pages import restart

restart()  # once, before any simulator is loaded: see zoo/run/huge_pages.py

from .cli import main  # noqa: E402

sys.exit(main())
