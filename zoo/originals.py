"""The original code of a model, fetched like a data set: pinned commit, SHA-256 of every file, cache.

The zoo commits none of it (the licences differ from the zoo's, and a copy would drift from what
the authors published). :func:`require` returns the directory that holds a model's original code,
downloading what is missing from the upstream repository at the pinned commit as the data sets are
fetched (:mod:`zoo.datasets`), into ``<ZOO_ORIGINALS_DIR>/<model>/`` (default
``$ZOO_CACHE_DIR/originals``, else ``~/.cache/zoo/originals``), and refusing any file whose
checksum differs. Without network the one-line error says which files to
copy from where. The code runs unmodified, in a process of its own, through the model's
``original.py`` (validation/originals.py); this module knows only where the code lives.
"""

import os
from pathlib import Path

from . import datasets
from .errors import unknown

ENV_ROOT = "ZOO_ORIGINALS_DIR"

_EI = "pynest/examples/EI_clustered_network/"


def _files(prefix, listing):
    return {name: datasets.DataFile(prefix + name, sha256, size) for name, sha256, size in listing}


ORIGINALS = {
    "rostami2020": datasets.Dataset(
        name="rostami2020",
        description="NEST's PyNEST example EI_clustered_network at the v3.10 tag, the reference implementation",
        repository="https://github.com/nest/nest-simulator",
        commit="acca9704da248750219a027db99fec6cd1f9052a",  # tag v3.10
        licence="GPL-2.0-or-later",
        citation="Rostami V, Rost T, Schmitt FJ, van Albada SJ, Riehle A, Nawrot MP (2024) Nat Commun 15:6304; "
                 "NEST Initiative, nest-simulator 3.10",
        files=_files(_EI, (
            ("helper.py", "7cee586a5afecaea0c73f194bbd41dd0edc1e671cbadc03727aa6f8b74b75474", 6144),
            ("network.py", "713316e2eeb2cfe5cd5440d43d955d1ed6aa66f5a81128a94d3fc7198f28e868", 32499),
            ("network_params.py", "7bdc51e633e0ff6edb295b8b9ce7f006f2c766962db23f40f19db36733f27fc1", 3625),
            ("run_simulation.py", "a15e6606e2e6afa48b747fc27c4c7bf6cc1b4938fc055331e1a7d180a3a22be2", 2024),
            ("sim_params.py", "4de82ca11875cceeaedfe2aeb83b2a1069f519c027687b1f394d05496715d0d8", 1251),
            ("stimulus_params.py", "d1eceb9e4633aaea761cf92392a8fe6631d747c81f6f59b44c28047a6106dbfd", 1309),
        )),
        kind="original code",
        root_variable=ENV_ROOT,
    ),
}


def original(model):
    """The :class:`zoo.datasets.Dataset` of `model`'s original code."""
    if model not in ORIGINALS:
        raise unknown("model with original code here", model, ORIGINALS)
    return ORIGINALS[model]


def cache_root(root=None):
    """`root`, else $ZOO_ORIGINALS_DIR, else $ZOO_CACHE_DIR/originals, else ~/.cache/zoo/originals."""
    if root is not None:
        return Path(root).expanduser()
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT]).expanduser()
    return Path(os.environ.get("ZOO_CACHE_DIR") or Path.home() / ".cache" / "zoo").expanduser() / "originals"


def require(model, root=None, base_url=None, download=True):
    """The directory holding `model`'s original code, every file checked (downloaded if missing)."""
    code = original(model)
    paths = datasets.fetch(code, list(code.files), cache_root(root), base_url, download)
    return next(iter(paths.values())).parent
