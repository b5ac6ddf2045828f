"""What every zoo model provides, and the plain-data description of its structure.

A model class is built from a parameter bundle and knows its variants. It describes itself
without a simulator (:meth:`ZooModel.structure`, used by ``--dry-run``) and builds itself on a
PyNN module that the caller has already set up (:meth:`ZooModel.build`). It never calls
``setup``/``end`` and never imports a simulator.
"""

import dataclasses

from .errors import unknown


@dataclasses.dataclass(frozen=True)
class Variant:
    """A named parameter set: the parameters, why it exists and where its numbers come from."""

    params: object
    reason: str
    source: str


@dataclasses.dataclass(frozen=True)
class PopulationInfo:
    name: str
    size: int
    cell_type: str


@dataclasses.dataclass(frozen=True)
class ProjectionInfo:
    """One projection: `synapses` is the exact count when drawn, else the expectation."""

    name: str
    pre: str
    post: str
    synapses: float
    receptor: str

    def mean_in_degree(self, populations):
        return self.synapses / populations[self.post].size


@dataclasses.dataclass(frozen=True)
class Structure:
    populations: tuple
    projections: tuple
    exact_counts: bool

    def as_dict(self):
        pops = {p.name: p for p in self.populations}
        return {
            "populations": [dataclasses.asdict(p) for p in self.populations],
            "projections": [
                {**dataclasses.asdict(p), "mean_in_degree": p.mean_in_degree(pops)} for p in self.projections
            ],
            "exact_counts": self.exact_counts,
            "totals": {
                "neurons": sum(p.size for p in self.populations),
                "synapses": sum(p.synapses for p in self.projections),
            },
        }


class ZooModel:
    """Base class of zoo models. Subclasses set the class attributes and implement the methods.

    Class attributes: ``name``, ``title``, ``citation`` (one line), ``doi``, ``description``
    (one line), ``variants`` (name -> Variant, with a "default"), ``duration_param`` and
    ``warmup_param`` (the parameter names holding the recorded time and the warm-up, in ms),
    ``nest_thread_invariant`` (True when every random number is drawn in NumPy, so NEST gives the
    same spikes for any thread count; the CLI then runs NEST on all available cores by default).
    """

    name = ""
    title = ""
    citation = ""
    doi = ""
    description = ""
    variants = {}
    duration_param = "simtime"
    warmup_param = "warmup"
    nest_thread_invariant = False

    def __init__(self, params=None, variant="default"):
        if params is None:
            params = self.variant(variant).params
        self.params = params
        self.variant_name = variant

    @classmethod
    def variant(cls, name):
        if name not in cls.variants:
            raise unknown(f"variant of {cls.name}", name, cls.variants)
        return cls.variants[name]

    @property
    def warmup_ms(self):
        return float(getattr(self.params, self.warmup_param))

    @property
    def duration_ms(self):
        return float(getattr(self.params, self.duration_param))

    def simulation_settings(self):
        """dict(timestep, min_delay, max_delay) in ms for backend setup."""
        raise NotImplementedError

    def structure(self, streams):
        """The network as plain data (Structure), computed without a simulator."""
        raise NotImplementedError

    def build(self, sim, streams):
        """Create populations, inputs, projections and recorders on `sim`; return a Network."""
        raise NotImplementedError

    def observables(self, segment):
        """Model-specific statistics of a recorded segment (plain dict); none by default."""
        return {}

    def figure_hints(self):
        """Optional figure settings: 'shade_ms' (windows to mark), 'group_by' (an annotation)."""
        return {}

    def extra_figures(self, segment, summary, title):
        """The model's own figures besides raster and rates: a list of (file name, draw(path))."""
        return []
