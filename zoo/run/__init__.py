"""The zoo's app: run a model from the command line (``python -m zoo.run``) or from Python.

- :mod:`.cli`: the command line, its options and its one-line errors;
- :mod:`.runner`: one run, from seed to a complete results directory;
- :mod:`.results`: a results directory that appears only when complete and never clobbers anything;
- :mod:`.costs`: what a run would need, checked before anything is drawn;
- :mod:`.apart`: the spikes written in a forked process, which a crashing writer cannot take down;
- :mod:`.signals`: SIGTERM and SIGHUP handled like Ctrl-C;
- :mod:`.huge_pages`: the command line's process restarted once on glibc's huge memory pages;
- :mod:`.provenance`: what a result needs to be trusted and reproduced.
"""

from .cli import main

__all__ = ["main"]
