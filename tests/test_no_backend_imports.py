"""Models never import a simulator or branch on the backend."""

import ast
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[1] / "models"
FORBIDDEN = {"nest", "brian2", "pyNN.nest", "pyNN.brian2"}


@pytest.mark.parametrize("path", sorted(MODELS.rglob("*.py")), ids=lambda p: str(p.relative_to(MODELS)))
def test_model_files_import_no_simulator(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert name.split(".")[0] not in {"nest", "brian2"} and name not in FORBIDDEN, f"{path} imports {name}"
    source = path.read_text()
    assert '"nest"' not in source and '"brian2"' not in source, f"{path} names a backend"
