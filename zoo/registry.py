"""The zoo's models by name, imported lazily so listing them imports no simulator.

Adding a model: one line in MODELS, "name": "package.module:ClassName".
A model is addressed as "name" (its default variant) or "name.variant".
"""

import fnmatch
import importlib

from .errors import ZooError, unknown

MODELS = {
    "fore2020": "models.fore2020:Fore2020",
    "rostami2020": "models.rostami2020:Rostami2020",
    "schmidt2018": "models.schmidt2018:Schmidt2018",
    "zerlaut2018": "models.zerlaut2018:Zerlaut2018",
}


def list_models(pattern="*", variants=False):
    """Model names matching the glob `pattern`; with variants=True, 'name.variant' entries."""
    names = [name for name in MODELS if fnmatch.fnmatch(name, pattern)]
    if not variants:
        return names
    return [f"{name}.{variant}" for name in names for variant in get_model(name).variants]


def get_model(name):
    """The model class registered as `name`."""
    if name not in MODELS:
        raise unknown("model", name, MODELS)
    module_name, class_name = MODELS[name].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def create_model(spec, **overrides):
    """Instantiate 'name[.variant]' with parameter `overrides` (unknown names raise ZooError)."""
    name, _, variant = spec.partition(".")
    cls = get_model(name)
    variant = variant or "default"
    params = cls.variant(variant).params
    if overrides:
        params = params.replace(**overrides)
    return cls(params, variant=variant)


__all__ = ["MODELS", "list_models", "get_model", "create_model", "ZooError"]
