"""PyNN's own test suite passes with the zoo's changes installed wherever it passes on stock PyNN.

Each group of PyNN 0.13's tests (its source distribution's test/ folder; see pynn_suite.py) runs
with the changes a zoo session installs; stock PyNN collects the same tests and runs again those
that did not pass changed. Every test that passes stock must pass changed, unless it is listed in
DIFFERS_BY_DESIGN with the reason. (``python tests/pynn_suite.py`` runs both arms whole.) The
source distribution comes from PyPI on first use; where it cannot be had, one line says so.
"""

import collections

import pytest

import pynn_suite

# PyNN test id -> why the zoo's changes make it differ on purpose (none so far).
DIFFERS_BY_DESIGN = {}


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    try:
        return pynn_suite.test_folder()
    except pynn_suite.Unavailable as why:
        pytest.skip(f"PyNN conformance not run: {why}")  # conftest prints every such line


@pytest.mark.parametrize("group", pynn_suite.GROUPS)
def test_what_passes_on_stock_pynn_passes_with_the_zoos_changes(group, suite, tmp_path):
    results = pynn_suite.check_group(group, tmp_path)
    stock, changed = results["stock"], results["zoo"]
    counts = {arm: dict(collections.Counter(outcome for outcome, _ in results[arm].values())) for arm in ("zoo", "stock")}
    print(f"\nPyNN {pynn_suite.VERSION} {group} tests: with the zoo's changes {counts['zoo']}; "
          f"those run again on stock PyNN {counts['stock']}")
    assert results["collected"] == changed.keys()
    assert counts["zoo"].get("passed", 0) >= (400 if group == "mock" else 40)  # the selection found the suite
    broken = {test: changed[test][1] for test, (outcome, _) in stock.items()
              if outcome == "passed" and test not in DIFFERS_BY_DESIGN}
    assert not broken, f"passing on stock PyNN, not with the zoo's changes: {broken}"
