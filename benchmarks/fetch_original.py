"""The original code a benchmark runs, fetched like the zoo's data sets: pinned commit, SHA-256 and
size of every file, a local cache, and a one-line error without network.

Nothing of the original is committed: ``benchmarks/originals/<model>.json`` lists the files, the
repositories and commits they come from, and their checksums. ``require(model)`` returns a
directory that holds them, downloading what is missing from
``https://raw.githubusercontent.com/<owner>/<repo>/<commit>/<path>`` into
``$ZOO_ORIGINALS_DIR/<model>`` (default ``$ZOO_CACHE_DIR/originals/<model>``, else
``~/.cache/zoo/originals/<model>``). A file whose checksum differs is refused (and a downloaded one
discarded). The benchmark then imports the code from there, unmodified, in a process of its own.
Fetching and checking are the data sets' own (:func:`zoo.datasets.fetch`), one repository at a time.

Without network (or from a machine that cannot reach GitHub), copy the files from a clone at the
pinned commits into that directory, e.g. for zerlaut2018::

    git -C neural_network_dynamics archive 493623cf4f402ed6917710c8834a70247212895c ntwk utils README.md \\
        | tar -x -C ~/.cache/zoo/originals/zerlaut2018
    git -C plot_tools archive 02d92f1d992f0f3ea6bfd36b6e6413ca36963bef \\
        | tar -x -C ~/.cache/zoo/originals/zerlaut2018/utils/plot_tools

Extra files there are ignored; the listed ones must match.

    python benchmarks/fetch_original.py zerlaut2018     # fetch / check, print the directory
"""

import json
import os
import sys
from pathlib import Path

from zoo import datasets
from zoo.errors import ZooError

HERE = Path(__file__).resolve().parent


class OriginalError(Exception):
    """A one-line reason why the original code is not available."""


def manifest(model):
    path = HERE / "originals" / f"{model}.json"
    if not path.is_file():
        known = sorted(p.stem for p in (HERE / "originals").glob("*.json"))
        raise OriginalError(f"no original code listed for {model!r} (listed: {', '.join(known)})")
    return json.loads(path.read_text())


def cache_dir(model, root=None):
    if root is not None:
        return Path(root).expanduser() / model
    if os.environ.get("ZOO_ORIGINALS_DIR"):
        return Path(os.environ["ZOO_ORIGINALS_DIR"]).expanduser() / model
    base = Path(os.environ.get("ZOO_CACHE_DIR") or Path.home() / ".cache" / "zoo").expanduser()
    return base / "originals" / model


def repositories(model):
    """One :class:`zoo.datasets.Dataset` per upstream repository the listing of `model` draws on."""
    listing = manifest(model)
    for key, repo in listing["repositories"].items():
        files = {name: datasets.DataFile(entry["upstream"], entry["sha256"], entry["size"])
                 for name, entry in listing["files"].items() if entry["repository"] == key}
        yield datasets.Dataset(name=model, description=listing.get("description", ""), repository=repo["url"],
                               commit=repo["commit"], licence=listing.get("licence", ""), citation="",
                               files=files, kind="original code", root_variable="ZOO_ORIGINALS_DIR")


def require(model, root=None, download=True):
    """The directory holding `model`'s original code, every listed file checked."""
    target = cache_dir(model, root)
    for repository in repositories(model):
        try:
            datasets.fetch(repository, list(repository.files), root=target.parent, download=download)
        except ZooError as error:
            raise OriginalError(str(error)) from None
    return target


if __name__ == "__main__":
    try:
        print(require(sys.argv[1] if len(sys.argv) > 1 else "zerlaut2018"))
    except OriginalError as error:
        sys.exit(f"error: {error}")
