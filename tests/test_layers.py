"""Layers point down, and only the backend wing knows a simulator.

Floors, from the ground up:

1. ground: ``zoo``'s own modules and ``zoo.neurons`` (model contract, parameters and units, seeds,
   I/O, registry, references, drawing in NumPy);
2. the backend wing ``zoo.backends``, and ``zoo.analysis`` (neither imports the other);
3. the models ``zoo.models``;
4. the app: ``zoo.run`` (CLI, runner), ``zoo.validation`` and ``zoo.export``.

A module imports only from its own floor or below. Outside the wing no module imports a simulator
or names one in a string. A model's own description (its network, parameters, formulas, variants,
observables) does not use the wing either; only a model's commands may (e.g. fore2020's
``conditions``, zerlaut2018's transfer-function measurements).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {"zoo": "zoo", "models": "zoo.models", "analysis": "zoo.analysis", "validation": "zoo.validation"}
SIMULATOR_MODULES = ("nest", "brian2", "pyNN.nest", "pyNN.brian2")
SIMULATOR_NAMES = {"nest", "brian2"}
MODEL_DESCRIPTION = {"__init__", "network", "params", "formulas", "variants", "observables", "anatomy", "stimulus"}


def _module_name(path):
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    parts[0] = PACKAGES[parts[0]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


FILES = sorted(p for folder in PACKAGES for p in (ROOT / folder).rglob("*.py"))
MODULES = {_module_name(p): p for p in FILES}


def floor(module):
    if module.startswith(("zoo.run", "zoo.validation", "zoo.export")):
        return 4
    if module.startswith("zoo.models"):
        return 3
    if module.startswith(("zoo.backends", "zoo.analysis")):
        return 2
    return 1


def _imports(module, path):
    """Absolute names of every module `module` imports (relative imports resolved)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in MODULES)


def _zoo_imports(module):
    return sorted({name for name in _imports(module, MODULES[module]) if name == "zoo" or name.startswith("zoo.")})


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    for imported in _zoo_imports(module):
        if imported == "zoo":
            continue
        assert floor(imported) <= floor(module), f"{module} (floor {floor(module)}) imports {imported} (floor {floor(imported)})"
        if floor(module) == 2:
            wing = module.startswith("zoo.backends")
            assert imported.startswith("zoo.backends") == wing or floor(imported) == 1, f"{module} imports its sibling {imported}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.startswith("zoo.backends")))
def test_only_the_wing_knows_a_simulator(module):
    tree = ast.parse(MODULES[module].read_text())
    for name in _imports(module, MODULES[module]):
        assert name not in SIMULATOR_MODULES and name.split(".")[0] not in SIMULATOR_NAMES, f"{module} imports {name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert node.value not in SIMULATOR_NAMES, f"{module} names the simulator '{node.value}'"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("zoo.models.")
                                          and m.rpartition(".")[2] in MODEL_DESCRIPTION))
def test_a_model_description_does_not_use_the_wing(module):
    assert not [name for name in _zoo_imports(module) if name.startswith("zoo.backends")]


def _top_level_names(path):
    """Names a module binds at its top level: definitions, assignments and imports."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return names


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_zoo_import_names_something_that_exists(module):
    """Imports inside functions are only run on some paths: a module left behind by a move is found here."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            missing = [a.name for a in node.names if a.name.startswith("zoo.") and a.name not in MODULES]
            assert not missing, f"{module} imports {missing}, which do not exist"
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base != "zoo" and not base.startswith("zoo."):
                continue
            assert base in MODULES, f"{module} imports from {base}, which does not exist"
            defined = _top_level_names(MODULES[base])
            for alias in node.names:
                assert alias.name == "*" or f"{base}.{alias.name}" in MODULES or alias.name in defined, \
                    f"{module} imports {alias.name} from {base}, which has no such name"


def test_the_layers_were_read():
    """The parser sees the imports it must judge (a test that finds nothing cannot fail)."""
    assert "zoo.backends" in _zoo_imports("zoo.run.runner")
    assert "zoo.model" in _zoo_imports("zoo.models.rostami2020.network")
    assert floor("zoo.validation.checks") == 4 and floor("zoo.params") == 1
