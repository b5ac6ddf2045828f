"""Every model has an example notebook in examples/, and each runs from top to bottom as a user runs it."""

import os
from pathlib import Path

import pytest

from zoo import registry

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_model_has_a_notebook():
    assert {p.stem for p in EXAMPLES.glob("*.ipynb")} >= set(registry.list_models())


@pytest.mark.parametrize("notebook", sorted(EXAMPLES.glob("*.ipynb")), ids=lambda p: p.stem)
def test_the_notebook_runs(notebook, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    os.environ.setdefault("MPLBACKEND", "Agg")
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any(o.get("output_type") == "stream" and "neurons" in o.get("text", "") for o in outputs)
