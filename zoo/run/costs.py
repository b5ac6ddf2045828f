"""Costs checked before anything is drawn: what this machine cannot hold is refused, what would
take more than an hour is announced.

A model's size comes from its parameters alone (``ZooModel.expected_size``), and the wing's
estimate (``zoo.backends.estimate``) turns it into memory and time. For a dry run, only what the
drawing itself holds must fit; the run's own needs are then a warning.
"""

import logging

from ..backends import estimate
from ..errors import ZooError

log = logging.getLogger("zoo")

HOUR_S = 3600.0


def check(model, simulator, dry_run=False):
    """Refuse, before anything is drawn, what this machine's memory cannot hold, and warn of a run
    estimated to take more than an hour; the estimate (dict) or None where the model gives no size."""
    size = model.expected_size()
    if size is None:
        return None
    cost = estimate.cost(size.neurons, size.synapses, model, simulator)
    memory = estimate.machine_memory_bytes()
    what = f"{size.neurons:.3g} neurons, {size.synapses:.3g} synapses"
    need = size.drawn_bytes if dry_run else max(size.build_drawn, cost["peak_memory_bytes"])
    doing = "to draw its network" if dry_run else f"to run on {simulator}"
    if memory and need > memory:
        raise ZooError(f"{model.name} ({model.variant_name}, {what}) needs ~{_gb(need)} of memory {doing}; "
                       f"this machine has {_gb(memory)}")
    seconds = cost["build_s"] + cost["simulate_s"]
    if seconds > HOUR_S:
        log.warning("estimated run time on %s: ~%s (build ~%.0f s, simulate ~%.0f s for %g ms; %s)", simulator,
                    _duration(seconds), cost["build_s"], cost["simulate_s"], model.warmup_ms + model.duration_ms, what)
    if dry_run and memory and cost["peak_memory_bytes"] > memory:
        log.warning("running it on %s would need ~%s of memory; this machine has %s", simulator,
                    _gb(cost["peak_memory_bytes"]), _gb(memory))
    return cost


def _gb(size):
    return f"{size / 1e9:.3g} GB"


def _duration(seconds):
    for unit, length in (("years", 365.25 * 86400), ("days", 86400), ("h", 3600)):
        if seconds >= length:
            return f"{seconds / length:.3g} {unit}"
    return f"{seconds:.0f} s"
