"""A results directory that appears only when complete, and never replaces anything unasked.

Files are written into a hidden staging directory beside the target; :meth:`ResultsDir.commit`
renames it into place. An interrupted or failed run removes the staging directory, so no
half-written results are ever left under the target name. An existing target is replaced only
with ``force=True``, and only if it is a zoo results directory (it holds provenance.json).
"""

import json
import os
import shutil
from pathlib import Path

import numpy as np

from ..errors import ZooError

MARKER = "provenance.json"


class ResultsDir:
    def __init__(self, target, force=False):
        self.target = Path(target).expanduser().resolve()
        if self.target.exists():
            if not force:
                raise ZooError(f"results directory {self.target} exists; use --force to replace it or --out to choose another")
            if not self.target.is_dir() or (any(self.target.iterdir()) and not (self.target / MARKER).exists()):
                raise ZooError(f"{self.target} exists and is not a zoo results directory; refusing to replace it")
        self.staging = self.target.parent / f".{self.target.name}.partial-{os.getpid()}"
        self.staging.mkdir(parents=True, exist_ok=False)

    def path(self, name):
        return self.staging / name

    def write_json(self, name, data):
        with open(self.path(name), "w") as handle:
            json.dump(data, handle, indent=2, default=_json_default)
            handle.write("\n")

    def commit(self):
        """Move the complete results into place, replacing an earlier run only now."""
        old = None
        if self.target.exists():
            old = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
            self.target.rename(old)
        self.staging.rename(self.target)
        if old is not None:
            shutil.rmtree(old)
        return self.target

    def abort(self):
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            self.abort()
        return False


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
