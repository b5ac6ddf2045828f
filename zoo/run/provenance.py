"""What a result needs to be trusted and reproduced: model, parameters, seeds, software, costs."""

import datetime
import os
import platform
import subprocess
import sys
from pathlib import Path

from . import huge_pages


# What a tree may hold beyond its commit and still count as clean: the committed validation reports,
# which are outputs (regenerating several writes one after another), not code.
OUTPUTS = ("validation_reports",)


def status_command(root):
    """`git status --porcelain` of the tree holding `root`, outputs (:data:`OUTPUTS`) left out."""
    return ["git", "-C", str(root), "status", "--porcelain", "--", ":/"] + [f":(top,exclude){o}" for o in OUTPUTS]


def _git_commit():
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=True
        )
        dirty = subprocess.run(status_command(here), capture_output=True, text=True, timeout=5)
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def git_state():
    """{"zoo_commit": the commit of this zoo's tree (None outside git), "clean": no uncommitted changes
    outside :data:`OUTPUTS`}."""
    commit = _git_commit()
    if commit is None:
        return {"zoo_commit": None, "clean": None}
    return {"zoo_commit": commit.removesuffix("+dirty"), "clean": not commit.endswith("+dirty")}


def record(model, backend, streams, timings, peak_memory, fingerprint, window_ms):
    """The provenance of one run as a JSON-ready dict."""
    from .. import RESULTS_VERSION

    return {
        "model": model.name,
        "variant": model.variant_name,
        "citation": model.citation,
        "doi": model.doi,
        "parameters": model.params.table(),
        "overrides": model.overrides(),
        "seeds": {"master": streams.master_seed, "derived": dict(sorted(streams.derived.items()))},
        "backend": backend.info(),
        "recorded_window_ms": list(window_ms),
        "timing_s": timings,
        "peak_memory_bytes": peak_memory,
        "connectivity_fingerprint": fingerprint,
        "command": [Path(sys.argv[0]).name] + sys.argv[1:],
        "zoo_commit": _git_commit(),
        "results_version": RESULTS_VERSION,
        "host": {"node": platform.node(), "cpus": os.cpu_count(), "platform": platform.platform(),
                 "malloc_huge_pages": huge_pages.in_use()},
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
