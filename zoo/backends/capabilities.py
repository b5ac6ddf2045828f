"""What a model asks of a simulator, checked before anything is built on it.

:func:`inspect` runs the model's own ``build`` on a recording stand-in for a PyNN module
(:mod:`zoo.standin`): no simulator is imported, nothing is simulated. :func:`check` compares what
it recorded with :data:`RULES`, the traps of PyNN 0.13 on NEST 3.10 and Brian2 2.9 measured for
the zoo (each rule's message says what happens), and returns :class:`Finding` objects:

- ``error``: the simulator cannot run this, or silently runs something else;
- ``warning``: it runs, but differs from the other backend in a way the results can show;
- ``note``: worth knowing when comparing backends.

:func:`require` is the hook for the runner: it logs warnings and raises ZooError (one line,
naming every error) before the simulator is set up.
"""

import dataclasses
import fnmatch
import logging


from .. import standin
from ..errors import ZooError
from .mpi import launched

log = logging.getLogger("zoo")


@dataclasses.dataclass(frozen=True)
class Finding:
    simulator: str
    level: str  # error | warning | note
    feature: str
    where: str
    message: str

    def as_dict(self):
        return dataclasses.asdict(self)

    def line(self):
        return f"{self.level} on {self.simulator}: {self.feature} ({self.where}): {self.message}"


# --- what the pyNN.brian2 module of PyNN 0.13 provides (checked against it by the tests) --------
BRIAN2_CELL_TYPES = {
    "IF_curr_alpha", "IF_curr_exp", "IF_curr_delta", "IF_cond_alpha", "IF_cond_exp", "IF_cond_exp_gsfa_grr",
    "EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista", "HH_cond_exp", "Izhikevich", "LIF", "AdExp", "PointNeuron",
    "SpikeSourcePoisson", "SpikeSourceArray",
}
BRIAN2_SYNAPSE_TYPES = {"StaticSynapse", "TsodyksMarkramSynapse", "STDPMechanism"}
BRIAN2_RECEPTORS = {"CurrExpPostSynapticResponse", "CondExpPostSynapticResponse", "CondAlphaPostSynapticResponse"}
BRIAN2_CURRENT_SOURCES = {"DCSource", "ACSource", "StepCurrentSource", "NoisyCurrentSource"}
ADEXP_TYPES = {"EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista", "AdExp"}
RANDOM_SOURCES = {"SpikeSourcePoisson", "SpikeSourcePoissonRefractory", "SpikeSourceGamma", "SpikeSourceInhGamma",
                  "NoisyCurrentSource"}
NEST_NEEDS_EXTENSION = {"StochasticTsodyksMarkramSynapse"}


def _standard_cell_types():
    from pyNN.standardmodels import cells

    return {name for name, obj in vars(cells).items() if isinstance(obj, type) and not name.startswith("_")}


# Cell types defined outside PyNN's standard set (e.g. the zoo's own) carry their own realisation.
STANDARD_CELL_TYPES = _standard_cell_types()


def inspect(model, drawn=None):
    """Usage of `model` built on the recording stand-in (:func:`zoo.standin.build`), from what
    ``model.draw`` gave for the run (`drawn`; drawn for master seed 1 when None). Started as
    several MPI processes, the stand-in's populations hold no cells, so a model that draws only its
    own cells' connections draws none in this pass; the rules for NEST, the one simulator that runs
    there, read no connection lists."""
    usage = standin.build(model, drawn, holds_cells=launched()[0] == 1)
    usage.min_delay = model.own_simulation_settings().get("min_delay")
    return usage


# --- rules --------------------------------------------------------------------------------------
def _value(celltype, name):
    try:
        lazy = celltype.parameter_space[name]
        return float(lazy.base_value) if lazy.is_homogeneous else None
    except (KeyError, AttributeError, TypeError, ValueError):
        return None


def _brian2(usage, threads):
    found = []
    for pop in usage.populations:
        where, cell = f"population {pop['label']}", pop["cell_type"]
        if cell in STANDARD_CELL_TYPES and cell not in BRIAN2_CELL_TYPES:
            found.append(("error", cell, where, "not available in pyNN.brian2"))
        for receptor in pop["receptors"]:
            if receptor not in BRIAN2_RECEPTORS:
                found.append(("error", receptor, where, "receptor type not available in pyNN.brian2"))
        if "tau_refrac" in pop["heterogeneous"]:
            found.append(("error", "heterogeneous tau_refrac", where,
                          "pyNN.brian2 raises an error for a population whose cells have different tau_refrac"))
        if cell in ADEXP_TYPES or (cell == "PointNeuron" and "AdExp" in repr(pop["celltype"])):
            varying = sorted({"v_reset", "b", "tau_refrac"} & pop["heterogeneous"])
            if varying:
                found.append(("error", f"{cell} with varying {', '.join(varying)}", where,
                              "Brian2 takes v_reset, b and tau_refrac from neuron 0 for the whole population"))
            v_spike, v_thresh, delta_t = (_value(pop["celltype"], n) for n in ("v_spike", "v_thresh", "delta_T"))
            if None in (v_spike, v_thresh, delta_t) or abs(v_spike - (v_thresh + 5 * delta_t)) > 1e-9:
                found.append(("warning", f"{cell} spike detection", where,
                              "Brian2 detects spikes at v_thresh + 5*delta_T, NEST at v_spike; set "
                              "v_spike = v_thresh + 5*delta_T (homogeneous) for both to agree"))
            found.append(("note", f"{cell} integration", where, "Brian2 integrates AdExp with fixed-step rk2, NEST adaptively"))
    for proj in usage.projections:
        where = f"projection {proj['label']}"
        if proj["synapse_type"] not in BRIAN2_SYNAPSE_TYPES:
            kind = "gap junctions" if proj["synapse_type"] == "ElectricalSynapse" else "synapse type"
            found.append(("error", proj["synapse_type"], where, f"{kind} not available in pyNN.brian2"))
        if proj["listed_connections"] == 0:
            found.append(("error", "empty projection", where,
                          "Brian2 stops at run time ('Synapses object ... does not do anything') on a projection "
                          "without connections"))
    for source in usage.sources:
        if source["kind"] not in BRIAN2_CURRENT_SOURCES:
            found.append(("error", source["kind"], "current source", "not available in pyNN.brian2"))
    if threads > 1:
        found.append(("warning", "threads", f"{threads} requested", "Brian2 runs on one thread in runtime mode"))
    return found


def _nest(usage, threads):
    found = []
    for proj in usage.projections:
        if proj["synapse_type"] in NEST_NEEDS_EXTENSION:
            found.append(("error", proj["synapse_type"], f"projection {proj['label']}",
                          "needs PyNN's NEST extension module, which cannot be built against the pip wheel of NEST"))
        shortest, min_delay = proj.get("shortest_delay"), usage.min_delay
        if shortest is not None and min_delay is not None and shortest < min_delay - 1e-9:
            found.append(("error", "delay below min_delay", f"projection {proj['label']}",
                          f"NEST refuses a delay of {shortest:g} ms, shorter than the run's min_delay of {min_delay:g} ms"))
    for pop in usage.populations:
        if pop["cell_type"] == "IF_curr_delta" and "v" in pop["initialized"]:
            found.append(("warning", "IF_curr_delta initial v", f"population {pop['label']}",
                          "PyNN 0.13 on NEST ignores the initial v of IF_curr_delta (PyNN #844): cells start at v_rest"))
    if threads > 1:
        found.append(("note", "threads", f"{threads} threads",
                      "NEST's random streams are per virtual process: a seed gives other results with other thread counts"))
    return found


def _both(usage):
    found = []
    for proj in usage.projections:
        if proj["synapse_type"] == "STDPMechanism":
            found.append(("warning", "STDP dendritic delay", f"projection {proj['label']}",
                          "NEST and Brian2 split the delay into axonal and dendritic parts differently (PyNN #803)"))
    randoms = [p for p in usage.populations if p["cell_type"] in RANDOM_SOURCES] + \
              [s for s in usage.sources if s["kind"] in RANDOM_SOURCES]
    for item in randoms:
        kind = item.get("cell_type") or item.get("kind")
        found.append(("note", kind, f"{item.get('label') or 'current source'}",
                      "random spikes or noise come from each simulator's own generator: runs agree in statistics, "
                      "never spike by spike"))
    return found


RULES = {"brian2": _brian2, "nest": _nest}


def check(usage, simulator, threads=1):
    """Findings for running a model with `usage` on `simulator`, errors first."""
    raw = RULES.get(simulator, lambda u, t: [])(usage, threads) + _both(usage)
    findings = [Finding(simulator, level, feature, where, message) for level, feature, where, message in raw]
    findings += [Finding(simulator, "warning", "capability check incomplete", "dry pass", problem) for problem in usage.problems]
    order = {"error": 0, "warning": 1, "note": 2}
    return sorted(findings, key=lambda f: order[f.level])


def require(model, simulator, threads=1, drawn=None, usage=None):
    """Check `model` on `simulator` before it is built: log warnings, raise ZooError on errors.

    Returns the findings. `drawn`: what ``model.draw`` gave for the run (see :func:`inspect`).
    """
    usage = usage or inspect(model, drawn)
    findings = check(usage, simulator, threads)
    for finding in findings:
        if finding.level == "warning":
            log.warning("%s", finding.line())
    errors = [f for f in findings if f.level == "error"]
    if errors:
        details = "; ".join(f"{f.feature} ({f.where}): {f.message}" for f in errors)
        raise ZooError(f"{model.name} cannot run as written on {simulator}: {details}")
    return findings


def matching(findings, pattern):
    """Findings whose feature matches the glob `pattern` (for tests and reports)."""
    return [f for f in findings if fnmatch.fnmatch(f.feature, pattern)]
