"""The versions the zoo's changes to PyNN were written for, and the check made before installing them.

Each change replaces a private method of PyNN, NEST or Brian2 (see ``nest/`` and ``brian2/``) and
relies on how that method behaved in these releases; PyNN's own test suite passes with them
installed (tests/test_pynn_conformance.py). A release outside these series may have moved what a
change relies on, so the session then runs stock PyNN and says so once.
"""

from importlib.metadata import PackageNotFoundError, version

# Distribution name -> release series the changes were written for and checked against.
WRITTEN_FOR = {
    "nest": {"PyNN": "0.13", "nest-simulator": "3.10"},
    "brian2": {"PyNN": "0.13", "Brian2": "2.9"},
}


def _series(text):
    return ".".join(text.split(".")[:2])


def check(simulator):
    """(True, "") where the installed versions fit the zoo's changes for `simulator`; else (False,
    one line naming what differs)."""
    mismatches = []
    for dist, series in WRITTEN_FOR[simulator].items():
        try:
            installed = version(dist)
        except PackageNotFoundError:
            installed = "none"
        if _series(installed) != series:
            mismatches.append(f"{dist} {installed} (written for {series}.x)")
    if not mismatches:
        return True, ""
    return False, f"the zoo's changes to PyNN on {simulator} do not fit " + ", ".join(mismatches)
