"""The zoo's app: run a model from the command line (``python -m zoo.run``) or from Python.

- :mod:`.cli`: the command line, its options and its one-line errors;
- :mod:`.runner`: one run, from seed to a complete results directory;
- :mod:`.results`: a results directory that appears only when complete;
- :mod:`.provenance`: what a result needs to be trusted and reproduced.
"""

from .cli import main

__all__ = ["main"]
