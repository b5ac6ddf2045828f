"""The original code a benchmark runs, fetched like the zoo's data sets: pinned commit, SHA-256 and
size of every file, a local cache, and a one-line error without network.

Nothing of the original is committed: ``benchmarks/originals/<model>.json`` lists the files, the
repositories and commits they come from, and their checksums. ``require(model)`` returns a
directory that holds them, downloading what is missing from
``https://raw.githubusercontent.com/<owner>/<repo>/<commit>/<path>`` into
``$ZOO_ORIGINALS_DIR/<model>`` (default ``$ZOO_CACHE_DIR/originals/<model>``, else
``~/.cache/zoo/originals/<model>``). A file whose checksum differs is refused (and a downloaded one
discarded). The benchmark then imports the code from there, unmodified, in a process of its own.

Without network (or from a machine that cannot reach GitHub), copy the files from a clone at the
pinned commits into that directory, e.g. for zerlaut2018::

    git -C neural_network_dynamics archive 493623cf4f402ed6917710c8834a70247212895c ntwk utils README.md \\
        | tar -x -C ~/.cache/zoo/originals/zerlaut2018
    git -C plot_tools archive 02d92f1d992f0f3ea6bfd36b6e6413ca36963bef \\
        | tar -x -C ~/.cache/zoo/originals/zerlaut2018/utils/plot_tools

Extra files there are ignored; the listed ones must match.

    python benchmarks/fetch_original.py zerlaut2018     # fetch / check, print the directory
"""

import hashlib
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 30.0


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


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _url(listing, entry):
    repo = listing["repositories"][entry["repository"]]
    owner_repo = repo["url"].removeprefix("https://github.com/")
    return f"https://raw.githubusercontent.com/{owner_repo}/{repo['commit']}/{entry['upstream']}"


def require(model, root=None, download=True):
    """The directory holding `model`'s original code, every listed file checked."""
    listing = manifest(model)
    target = cache_dir(model, root)
    missing = []
    for name, entry in listing["files"].items():
        path = target / name
        if path.is_file():
            if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
                raise OriginalError(f"{path} differs from {model}'s original at the pinned commit "
                                    f"(SHA-256 {entry['sha256'][:12]}...): remove it to fetch it again")
            continue
        missing.append(name)
    if missing and not download:
        raise OriginalError(f"{len(missing)} file(s) of {model}'s original missing in {target} (e.g. {missing[0]})")
    for name in missing:
        entry = listing["files"][name]
        url = _url(listing, entry)
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
                data = response.read()
        except (urllib.error.URLError, OSError) as error:
            repos = ", ".join(f"{r['url']} @ {r['commit']}" for r in listing["repositories"].values())
            raise OriginalError(
                f"cannot download {model}'s original code ({len(missing)} file(s), e.g. {url}: "
                f"{getattr(error, 'reason', error)}); copy them from {repos} into {target} "
                f"(see benchmarks/fetch_original.py)") from None
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise OriginalError(f"{url} does not match the pinned checksum; not saved")
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(data)
        os.replace(handle.name, path)
    return target


if __name__ == "__main__":
    try:
        print(require(sys.argv[1] if len(sys.argv) > 1 else "zerlaut2018"))
    except OriginalError as error:
        sys.exit(f"error: {error}")
