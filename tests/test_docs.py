"""The READMEs name only files that exist, and CI runs the README's test command."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READMES = [ROOT / "README.md"] + sorted((ROOT / "models").glob("*/README.md"))
_PATH = re.compile(r"`([\w./-]+\.(?:py|md|toml|json|nix|png|cfg))`|\]\(([\w./-]+)\)")
_WRITTEN_BY_RUNS = {"spikes.nix", "summary.json", "structure.json", "raster.png", "rates.png", "provenance.json", "traces.png",
                    "report.html", "report.md", "report.json", "area_rates.png", "raster_areas.png", ".zoo-results.json"}


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_file_a_readme_names_exists(readme):
    for match in _PATH.finditer(readme.read_text()):
        name = match.group(1) or match.group(2)
        if name in _WRITTEN_BY_RUNS or name.startswith("http"):
            continue
        candidates = [ROOT / name, readme.parent / name] + list(ROOT.glob(f"*/{name}")) + list(ROOT.glob(f"models/*/{name}"))
        assert any(c.exists() for c in candidates), f"{readme.relative_to(ROOT)} names {name}, which does not exist"


def test_every_registered_model_has_a_card_and_references():
    from zoo.registry import MODELS

    import importlib

    for target in MODELS.values():
        package = Path(importlib.import_module(target.split(":")[0]).__file__).parent
        assert (package / "README.md").exists() and (package / "reference.toml").exists()


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in ci and "README.md" in ci
    block = ROOT.joinpath("README.md").read_text().split("<!-- test-command -->")[1]
    assert "pytest" in block.split("```")[1]


def test_the_library_example_runs_as_written():
    """The README's Python example, verbatim, in a fresh process (Brian2 on NumPy code: no compiling)."""
    import os
    import subprocess
    import sys

    block = ROOT.joinpath("README.md").read_text().split("<!-- library-example -->")[1]
    code = block.split("```python")[1].split("```")[0]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "ZOO_BRIAN2_CODEGEN": "numpy"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "800 E cells recorded"
