"""What every zoo model provides: the contract (:class:`ZooModel`), what it draws (:class:`Drawn`)
and the plain-data description of its structure.

A model class is built from a parameter bundle and knows its variants. What it draws at random
(connection lists, input trains ...) it draws in NumPy from the master seed, once per run, into a
:class:`Drawn` that is passed on: to :meth:`ZooModel.structure`, which describes the network
without a simulator (``--dry-run``), and to :meth:`ZooModel.build`, which builds it on a PyNN
module that the caller has already set up. A model never calls ``setup``/``end`` and never
imports a simulator.
"""

import abc
import copy
import dataclasses
import math
from collections.abc import Mapping

from .errors import ZooError, unknown


@dataclasses.dataclass(frozen=True)
class Variant:
    """A named parameter set: the parameters, why it exists and where its numbers come from."""

    params: object
    reason: str
    source: str


@dataclasses.dataclass(frozen=True)
class Size:
    """A network's size from its parameters alone, known before anything is drawn, so that its
    costs can be checked first: neurons, expected synapses, the bytes that drawing it
    (:meth:`ZooModel.draw` and :meth:`ZooModel.structure`, all a dry run does) holds at its peak,
    roughly, and those that the build's own drawing holds at its peak where that is more (a model
    that draws its synapses during the build, one part at a time; None: the same), and over how
    many MPI processes of a distributed run the build's drawing divides at most (1: every process
    draws it whole)."""

    neurons: int
    synapses: float
    drawn_bytes: float
    build_drawn_bytes: float = None
    drawn_split: int = 1

    @property
    def build_drawn(self):
        """Bytes the drawing holds at its peak during a run (the build included)."""
        return self.drawn_bytes if self.build_drawn_bytes is None else max(self.drawn_bytes, self.build_drawn_bytes)


# Room for a caller's own projections: the longest delay (ms) a zoo session accepts by default,
# whatever the model's own delays. NEST fixes it at set-up (and sizes each neuron's input buffers
# by it: a few kB per neuron at dt = 0.1 ms); Brian2 has no such limit.
CALLER_MAX_DELAY_MS = 20.0


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


LONGEST_DELAY = "longest_delay_ms"  # a Drawn entry: the longest delay drawn (ms), see simulation_settings


class Drawn(Mapping):
    """What a model draws in NumPy for one master seed before building, by name.

    Each entry is drawn when first asked for (``drawn[name]``), by the recipe the model gave, and
    then kept here: a run draws each thing once, whoever asks (the capability check's dry build,
    :meth:`ZooModel.structure`, :meth:`ZooModel.build`). ``build`` may :meth:`take` a long list
    out to hand it to PyNN without a copy (zoo.from_list.HandedOver): it is then gone from here,
    and whatever was taken must not be changed in place by its taker. A :meth:`preview` shares
    what is drawn but never gives it away (for a dry build before the real one).
    """

    def __init__(self, master_seed, **recipes):
        self.master_seed = int(master_seed)
        self._recipes = recipes  # name -> callable drawing the entry
        self._values = {}
        self._taken = set()
        self._gives_away = True

    def __getitem__(self, name):
        if name in self._taken:
            raise ZooError(f"'{name}' was handed to a simulator already; draw again to use it")
        if name not in self._values:
            self._values[name] = self._recipes[name]()
        return self._values[name]

    def __iter__(self):
        return (name for name in self._recipes if name not in self._taken)

    def __len__(self):
        return len(self._recipes) - len(self._taken)

    def take(self, name):
        """The entry `name`, no longer kept here (a preview keeps it)."""
        value = self[name]
        if self._gives_away:
            del self._values[name]
            self._taken.add(name)
        return value

    def preview(self):
        """A view of the same draws whose :meth:`take` keeps what it gives."""
        view = copy.copy(self)  # shares the recipes, the values drawn and what was taken
        view._gives_away = False
        return view


class ZooModel(abc.ABC):
    """The contract of a zoo model. A subclass sets the class attributes and defines the methods
    marked abstract; :meth:`draw` and the figure and observable hooks are optional.

    Class attributes: ``name``, ``title``, ``citation`` (one line), ``doi``, ``description``
    (one line), ``variants`` (name -> Variant, with a "default"), ``duration_param`` and
    ``warmup_param`` (the parameter names holding the recorded time and the warm-up, in ms),
    ``nest_thread_invariant`` (True when every random number is drawn in NumPy, so NEST gives the
    same spikes for any thread count; the CLI then runs NEST on all available cores by default),
    ``coincident_start_ms`` (how long, from t = 0, NEST and Brian2 give the same spikes for the same
    seed, as measured and written in the model card; validation compares spike times over it,
    :mod:`validation.early`; None where not measured).
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
    coincident_start_ms = None

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

    def overrides(self):
        """{parameter: value} where this model's parameters differ from its variant's."""
        named = self.variant(self.variant_name).params.values()
        return {name: value for name, value in self.params.values().items() if value != named[name]}

    @property
    def warmup_ms(self):
        return float(getattr(self.params, self.warmup_param))

    @property
    def duration_ms(self):
        return float(getattr(self.params, self.duration_param))

    def simulation_settings(self, max_delay=CALLER_MAX_DELAY_MS, drawn=None):
        """dict(timestep, min_delay, max_delay) in ms for ``backends.setup``, and the model's
        :attr:`building_blocks` as ``blocks`` where it has any.

        The session accepts delays up to the larger of `max_delay` and the model's own longest, so
        that a caller may add projections of their own (default :data:`CALLER_MAX_DELAY_MS`, 20 ms;
        ``max_delay=0`` gives the model's own, as ``python -m zoo.run`` uses). ``min_delay`` stays
        the model's own: on NEST it is the interval at which spikes are exchanged, and changing it
        would change the run. A caller's delays must lie between the two.

        The model's own longest delay is a bound that holds for every seed; given this run's
        `drawn`, a model that draws it (an entry ``LONGEST_DELAY``) gives the longest delay drawn
        for this seed instead, on the time grid. It changes no spike: NEST sizes every neuron's
        input buffers by it (schmidt2018: 37 instead of 72 ms, 0.5 GB less at its default scale).
        """
        own = dict(self.own_simulation_settings())
        if drawn is not None and LONGEST_DELAY in drawn:
            step = own["timestep"]
            drawn_ms = math.ceil(round(drawn[LONGEST_DELAY] / step, 6)) * step
            own["max_delay"] = min(own["max_delay"], max(own["min_delay"], drawn_ms))
        blocks = {"blocks": tuple(self.building_blocks)} if self.building_blocks else {}
        return {**own, "max_delay": max(own.get("max_delay", 0.0), max_delay), **blocks}

    @property
    def building_blocks(self):
        """The zoo building blocks (zoo.inputs ...) whose realisation the session must make ready
        before anything is created: NEST installs a device of the zoo's own only into an empty
        network. :meth:`simulation_settings` passes them on as ``blocks``; none by default."""
        return ()

    @abc.abstractmethod
    def own_simulation_settings(self):
        """dict(timestep, min_delay, max_delay) in ms: what the model's own delays need."""

    def expected_size(self):
        """The network's :class:`Size`, from the parameters alone and cheaply (nothing drawn); None
        where the model does not say, and then nothing is checked before drawing."""
        return None

    def draw(self, streams):
        """What this model draws at random before building (:class:`Drawn`); nothing by default."""
        return Drawn(streams.master_seed)

    @abc.abstractmethod
    def structure(self, drawn):
        """The network as plain data (:class:`Structure`), from what :meth:`draw` gave, without a simulator."""

    @abc.abstractmethod
    def build(self, sim, streams, drawn=None):
        """Create populations, inputs, projections and recorders on `sim`; return a Network.

        `drawn` is what :meth:`draw` gave for `streams` (drawn here when None; see :meth:`_drawn`).
        """

    def _drawn(self, streams, drawn):
        """`drawn`, checked against `streams`, or drawn now."""
        if drawn is None:
            return self.draw(streams)
        if drawn.master_seed != streams.master_seed:
            raise ZooError(f"drawn for master seed {drawn.master_seed}, built with master seed {streams.master_seed}")
        return drawn

    def observables(self, segment):
        """Model-specific statistics of a recorded segment (plain dict); none by default."""
        return {}

    def figure_hints(self):
        """Optional figure settings: 'shade_ms' (windows to mark), 'group_by' (an annotation)."""
        return {}

    def extra_figures(self, segment, summary, title):
        """The model's own figures besides raster and rates: a list of (file name, draw(path))."""
        return []
