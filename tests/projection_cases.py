"""Projections that the batched builds of both backends must reproduce exactly as stock PyNN builds them.

``ProjectionCases(sim)`` gives, for one PyNN backend module, one method per case; each builds its
populations and returns the projection. Random values come from fixed seeds, so building a case
twice (stock, then batched) gives the same network. Backend-specific cases stay in the backend's
test module.
"""

import numpy as np
from pyNN.random import NumpyRNG, RandomDistribution
from pyNN.space import Grid2D


def uniform(low, high, seed):
    return RandomDistribution("uniform", (low, high), rng=NumpyRNG(seed=seed))


def random_pairs(seed, n, n_pre=40, n_post=30):
    """`n` (source, target) index pairs, repeats included."""
    gen = np.random.default_rng(seed)
    return np.column_stack([gen.integers(0, n_pre, n), gen.integers(0, n_post, n)])


class ProjectionCases:
    """The shared cases on the PyNN module `sim` (set up by the caller)."""

    def __init__(self, sim):
        self.sim = sim

    def pops(self, n_pre=40, n_post=30, celltype=None, **kwargs):
        celltype = celltype or self.sim.IF_curr_exp
        return self.sim.Population(n_pre, celltype(), **kwargs), self.sim.Population(n_post, celltype(), **kwargs)

    def static(self, weight, delay):
        return self.sim.StaticSynapse(weight=weight, delay=delay)

    def all(self):
        """Every shared case, for parametrised tests."""
        return [self.array_connector, self.from_list_without_parameters, self.from_list_with_weight_and_delay,
                self.from_list_with_weight_only, self.from_list_with_random_delays,
                self.fixed_number_pre_with_multapses, self.fixed_number_pre_with_replacement, self.fixed_number_post,
                self.distance_dependent, self.one_to_one_with_arrays, self.all_to_all_with_arrays,
                self.all_to_all_without_self_connections, self.view_as_pre, self.view_as_post]

    # -- FromListConnector -----------------------------------------------------------------------
    def from_list_without_parameters(self):
        return self.sim.Projection(*self.pops(), self.sim.FromListConnector(random_pairs(1, 150)), self.static(0.3, 0.7))

    def from_list_with_weight_and_delay(self):
        """Repeated pairs with different values, onto inhibitory conductances (their sign)."""
        gen = np.random.default_rng(2)
        conn_list = np.column_stack([random_pairs(3, 150), gen.uniform(0.001, 0.01, 150), gen.uniform(0.1, 3.0, 150)])
        return self.sim.Projection(*self.pops(celltype=self.sim.IF_cond_exp), self.sim.FromListConnector(conn_list),
                                   self.static(0.1, 0.5), receptor_type="inhibitory")

    def from_list_with_weight_only(self):
        conn_list = np.column_stack([random_pairs(5, 100), np.random.default_rng(4).uniform(0.1, 1.0, 100)])
        return self.sim.Projection(*self.pops(), self.sim.FromListConnector(conn_list, column_names=["weight"]),
                                   self.static(0.1, 1.25))

    def from_list_with_random_delays(self):
        """Delays drawn by PyNN, not listed."""
        return self.sim.Projection(*self.pops(), self.sim.FromListConnector(random_pairs(6, 120)),
                                   self.static(0.2, uniform(0.1, 2.0, 7)))

    # -- other connectors ------------------------------------------------------------------------
    def array_connector(self):
        pre, post = self.pops()
        mask = np.random.default_rng(13).random((pre.size, post.size)) < 0.2
        return self.sim.Projection(pre, post, self.sim.ArrayConnector(mask), self.static(0.5, 1.0))

    def fixed_number_pre_with_multapses(self):
        """n > pre.size: every source once, then 10 more at random (repeated sources per target)."""
        return self.sim.Projection(*self.pops(), self.sim.FixedNumberPreConnector(50, rng=NumpyRNG(seed=17)),
                                   self.static(uniform(0.1, 1.0, 18), 0.75))

    def fixed_number_pre_with_replacement(self):
        connector = self.sim.FixedNumberPreConnector(12, with_replacement=True, rng=NumpyRNG(seed=10))
        return self.sim.Projection(*self.pops(), connector, self.static(uniform(0.1, 1.0, 11), uniform(0.1, 2.0, 12)))

    def fixed_number_post(self):
        connector = self.sim.FixedNumberPostConnector(6, with_replacement=True, rng=NumpyRNG(seed=22))
        return self.sim.Projection(*self.pops(), connector, self.static(uniform(0.1, 1.0, 23), 0.35))

    def distance_dependent(self):
        grid = Grid2D(aspect_ratio=1.0, dx=1.0, dy=1.0)
        pre = self.sim.Population(36, self.sim.IF_cond_exp(), structure=grid)
        post = self.sim.Population(25, self.sim.IF_cond_exp(), structure=grid)
        connector = self.sim.DistanceDependentProbabilityConnector("exp(-d / 2.0)", rng=NumpyRNG(seed=24))
        return self.sim.Projection(pre, post, connector, self.static(lambda d: 0.002 + 0.001 * d, lambda d: 0.15 + 0.33 * d))

    def one_to_one_with_arrays(self):
        gen = np.random.default_rng(25)
        weights, delays = gen.uniform(0.1, 1, (30, 30)), gen.uniform(0.1, 2, (30, 30))
        return self.sim.Projection(*self.pops(30, 30), self.sim.OneToOneConnector(), self.static(weights, delays))

    def all_to_all_with_arrays(self):
        gen = np.random.default_rng(26)
        weights, delays = gen.uniform(0.1, 1, (20, 15)), gen.uniform(0.1, 2, (20, 15))
        return self.sim.Projection(*self.pops(20, 15), self.sim.AllToAllConnector(), self.static(weights, delays))

    def all_to_all_without_self_connections(self):
        pop = self.sim.Population(25, self.sim.IF_curr_exp())
        return self.sim.Projection(pop, pop, self.sim.AllToAllConnector(allow_self_connections=False),
                                   self.static(uniform(-1.0, -0.1, 27), 1.0), receptor_type="inhibitory")

    # -- views -----------------------------------------------------------------------------------
    def view_as_pre(self):
        pre, post = self.pops()
        return self.sim.Projection(pre[::3], post, self.sim.FixedProbabilityConnector(0.3, rng=NumpyRNG(seed=47)),
                                   self.static(uniform(0.1, 1.0, 48), uniform(0.1, 2.0, 49)))

    def view_as_post(self):
        pre, post = self.pops(celltype=self.sim.IF_cond_exp)
        return self.sim.Projection(pre, post[4:25], self.sim.FixedNumberPreConnector(7, rng=NumpyRNG(seed=50)),
                                   self.static(uniform(0.001, 0.01, 51), 0.5), receptor_type="inhibitory")
