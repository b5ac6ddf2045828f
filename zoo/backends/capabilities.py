"""What a model asks of a simulator, checked before anything is built on it.

:func:`inspect` runs the model's own ``build`` on a recording stand-in for a PyNN module: no
simulator is imported, nothing is simulated. It records every population (cell type, which
parameters vary across cells, initialised variables), projection (connector, number of listed
connections, synapse type, receptor type) and current source. :func:`check` compares that usage
with :data:`RULES`, the traps measured in the shared PyNN notes for PyNN 0.13 on NEST 3.10 and
Brian2 2.9, and returns :class:`Finding` objects:

- ``error``: the simulator cannot run this, or silently runs something else;
- ``warning``: it runs, but differs from the other backend in a way the results can show;
- ``note``: worth knowing when comparing backends.

:func:`require` is the hook for the runner: it logs warnings and raises ZooError (one line,
naming every error) before the simulator is set up.
"""

import dataclasses
import fnmatch
import logging

import numpy as np

from ..errors import ZooError

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


# --- the recording stand-in for a PyNN module -------------------------------------------------
class _Anything:
    """Accepts any attribute access, call or indexing a model might do on a simulator object."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Anything()

    def __call__(self, *args, **kwargs):
        return _Anything()

    def __getitem__(self, key):
        return _Anything()

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


class _Population(_Anything):
    def __init__(self, usage, size, celltype, label):
        self.size, self.celltype, self.label = int(size), celltype, label
        self._usage = usage
        self._entry = usage.add_population(label, self.size, celltype)

    def __len__(self):
        return self.size

    def __getitem__(self, key):
        return _View(self)

    def initialize(self, **values):
        self._entry["initialized"].update(dict.fromkeys(values, True))

    def set(self, **values):
        for name, value in values.items():
            array = np.asarray(value) if not np.isscalar(value) else None
            if array is not None and array.size > 1 and not np.all(array == array.flat[0]):
                self._entry["heterogeneous"].add(name)

    def record(self, *args, **kwargs):
        return None


class _View(_Anything):
    def __init__(self, parent):
        self.parent, self.label, self.celltype = parent, parent.label, parent.celltype

    def __getitem__(self, key):
        return self


class _CurrentSource(_Anything):
    def __init__(self, usage, kind, kwargs):
        self._usage, self._kind = usage, kind
        usage.sources.append({"kind": kind, "targets": []})

    def inject_into(self, cells):
        label = getattr(cells, "label", None) or getattr(getattr(cells, "parent", None), "label", None)
        self._usage.sources[-1]["targets"].append(label)


@dataclasses.dataclass
class Usage:
    """What a model's build asked of the simulator (see the module docstring)."""

    populations: list = dataclasses.field(default_factory=list)
    projections: list = dataclasses.field(default_factory=list)
    sources: list = dataclasses.field(default_factory=list)
    problems: list = dataclasses.field(default_factory=list)  # why the dry pass was incomplete

    def add_population(self, label, size, celltype):
        entry = {"label": label, "size": size, "cell_type": type(celltype).__name__, "celltype": celltype,
                 "heterogeneous": set(), "initialized": {}, "receptors": []}
        space = getattr(celltype, "parameter_space", None)
        if space is not None:
            for name in space.keys():
                try:
                    if not space[name].is_homogeneous:
                        entry["heterogeneous"].add(name)
                except (AttributeError, TypeError):
                    pass
        receptors = getattr(celltype, "post_synaptic_receptors", None) or {}
        entry["receptors"] = sorted({type(r).__name__ for r in receptors.values()})
        self.populations.append(entry)
        return entry


def _standard_classes():
    from pyNN import connectors, random
    from pyNN.standardmodels import cells, electrodes, receptors, synapses

    found = {}
    for module in (cells, synapses, electrodes, receptors, connectors, random):
        for name, obj in vars(module).items():
            if isinstance(obj, type) and not name.startswith("_"):
                found[name] = obj
    return found


def _synapse_base():
    from pyNN.models import BaseSynapseType

    return BaseSynapseType


class _ProbeSim:
    """Stands in for a PyNN simulator module during :func:`inspect`."""

    def __init__(self, usage):
        self._usage = usage
        self._classes = _standard_classes()
        self._current_sources = {"DCSource", "ACSource", "StepCurrentSource", "NoisyCurrentSource"}

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._current_sources:
            return lambda *args, **kwargs: _CurrentSource(self._usage, name, kwargs)
        cls = self._classes.get(name)
        if cls is None:
            return _Anything()

        if issubclass(cls, _synapse_base()):
            # A synapse type's default delay is the backend's minimum delay: give it the grid step.
            cls = type(name, (cls,), {"_get_minimum_delay": lambda self: 0.1})

        def create(*args, **kwargs):
            try:
                return cls(*args, **kwargs)
            except Exception as err:  # an abstract class PyNN cannot build without a backend
                self._usage.problems.append(f"{name}: {err}")
                stand_in = _Anything()
                stand_in.__class__ = type(name, (_Anything,), {})
                return stand_in

        return create

    def Population(self, size, cellclass, cellparams=None, structure=None, initial_values=None, label=None, **kwargs):
        if isinstance(cellclass, type):
            cellclass = cellclass(**(cellparams or {}))
        population = _Population(self._usage, size, cellclass, label)
        if initial_values:
            population.initialize(**initial_values)
        return population

    def Projection(self, presynaptic, postsynaptic, connector, synapse_type=None, source=None, receptor_type=None,
                   space=None, label=None, **kwargs):
        listed = None
        conn_list = getattr(connector, "conn_list", None)
        if conn_list is not None:
            listed = int(len(conn_list))
        self._usage.projections.append({
            "label": label,
            "pre": getattr(presynaptic, "label", None),
            "post": getattr(postsynaptic, "label", None),
            "connector": type(connector).__name__,
            "listed_connections": listed,
            "synapse_type": type(synapse_type).__name__ if synapse_type is not None else "StaticSynapse",
            "receptor_type": receptor_type,
        })
        return _Anything()

    def PopulationView(self, parent, selector, label=None):
        return _View(parent)

    def Assembly(self, *populations, **kwargs):
        return _Anything()


def inspect(model, drawn=None):
    """Usage of `model` built on the recording stand-in, from a preview of `drawn` (what
    ``model.draw`` gave; drawn for master seed 1 when None), so that the real build that follows
    gets what this pass drew without drawing it again. The build's progress messages are not
    repeated here. A build the stand-in cannot follow ends the pass early; the reason is kept in
    ``usage.problems``.
    """
    from .. import hooks
    from ..neurons import description
    from ..seeds import SeedStreams

    streams = SeedStreams(drawn.master_seed if drawn is not None else 1)  # a fresh copy: the run's record stays untouched
    drawn = (drawn if drawn is not None else model.draw(streams)).preview()
    usage = Usage()
    probe = _ProbeSim(usage)
    hooks.provide(probe, {  # the zoo's building blocks, as a stand-in sees them
        "spike_source": lambda sim, trains, label: sim.Population(len(trains), sim.SpikeSourceArray(), label=label),
        "cell_type": description,
    })
    progress = logging.getLogger("zoo")
    level = progress.level
    progress.setLevel(max(level, logging.WARNING))
    try:
        model.build(probe, streams, drawn)
    except ZooError:
        raise  # the model's own one-line error (missing data, bad parameters): the real build would say the same
    except Exception as err:  # the stand-in is not a simulator: say so instead of failing the run
        usage.problems.append(f"the dry pass stopped: {type(err).__name__}: {err}")
    finally:
        progress.setLevel(level)
        hooks.withdraw(probe)
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
