"""The zoo's own NEST devices, written in C++ beside this file, compiled once into the cache and
installed into the kernel when first used (extension.py)."""

from pathlib import Path

from . import extension

PRIVATE_TRAINS = "zoo_private_trains"
_SOURCES = {PRIVATE_TRAINS: Path(__file__).with_name("zoo_private_trains.cpp")}


def private_trains_status(targets, trains):
    """The status of a zoo_private_trains device that replays ``trains[k]`` (times in ms) to node
    ``targets[k]``: the node ids, where each train starts in the times, and the times one after
    another."""
    import numpy as np

    trains = [np.asarray(train, dtype=float) for train in trains]
    return {"targets": np.asarray(targets, dtype=np.int64),
            "offsets": np.concatenate(([0], np.cumsum([train.size for train in trains]))).astype(np.int64),
            "spike_times": np.concatenate(trains) if trains else np.empty(0)}


def module_path(model):
    """Where the compiled module of device `model` lives in the cache (it may not exist yet)."""
    source = _SOURCES[model]
    return extension.cached_path(model, f"{model}_module", source.read_text())


def ensure_installed(model):
    """Compile (once, cached) and install the module of device `model` into the running kernel."""
    import nest

    if model in nest.node_models:
        return
    path = module_path(model)
    if not path.exists():
        extension.compile_into(path, [_SOURCES[model]], f"compiling the NEST device {model}")
    extension.install(path, model)
