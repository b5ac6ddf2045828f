"""Packages: `zoo` and, from the repository's own top-level folders, `zoo.models`, `zoo.analysis`
and `zoo.validation`, so that a user's `import models` is never the zoo's (metadata: setup.cfg)."""

from setuptools import find_packages, setup

MAPPED = {"zoo.models": "models", "zoo.analysis": "analysis", "zoo.validation": "validation"}


def packages():
    found = find_packages(include=["zoo", "zoo.*"])
    for name, folder in MAPPED.items():
        found += [name] + [f"{name}.{sub}" for sub in find_packages(folder)]
    return found


setup(packages=packages(), package_dir=MAPPED)
