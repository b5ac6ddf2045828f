"""The zoo's models by name, imported lazily so listing them imports no simulator.

Adding a model: one line in MODELS, "name": "package.module:ClassName".
A model is addressed as "name" (its default variant) or "name.variant";
:func:`create_model` is the one way from such a name to a model.
"""

import fnmatch
import importlib

from .errors import ZooError, unknown

MODELS = {
    "fore2020": "zoo.models.fore2020:Fore2020",
    "peng2021": "zoo.models.peng2021:Peng2021",
    "rostami2020": "zoo.models.rostami2020:Rostami2020",
    "schmidt2018": "zoo.models.schmidt2018:Schmidt2018",
    "zerlaut2018": "zoo.models.zerlaut2018:Zerlaut2018",
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


def create_model(spec, variant=None, assignments=(), duration=None, **overrides):
    """The model 'name[.variant]' (or `variant`), with its parameters changed.

    `assignments`: "NAME=VALUE[unit]" texts, as the command line's --set takes them;
    `duration`: the recorded time after the warm-up, in ms; `overrides`: parameter values in the
    units the parameter table declares. Unknown names and bad values raise ZooError.
    """
    if not spec:
        raise ZooError("name a model (see python -m zoo.run --list)")
    name, _, tag = spec.partition(".")
    if tag and variant and tag != variant:
        raise ZooError(f"variant given twice: '{tag}' and {variant}")
    cls = get_model(name)
    variant = tag or variant or "default"
    params = cls.variant(variant).params
    changes = dict(params.parse_assignment(text) for text in assignments)
    if duration is not None:
        if not 0 < duration < float("inf"):
            raise ZooError(f"the duration must be positive and finite, got {duration:g} ms")
        changes[cls.duration_param] = float(duration)
    changes.update(overrides)
    return cls(params.replace(**changes) if changes else params, variant=variant)


__all__ = ["MODELS", "list_models", "get_model", "create_model", "ZooError"]
