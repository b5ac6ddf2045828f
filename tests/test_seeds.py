"""zoo.seeds: streams are pure functions of (master seed, name) and are recorded."""

import numpy as np
import pytest

from zoo.seeds import SeedStreams


def test_same_master_and_name_give_the_same_numbers():
    a, b = SeedStreams(7), SeedStreams(7)
    assert np.array_equal(a.generator("x").random(5), b.generator("x").random(5))


def test_names_and_masters_give_different_streams():
    s = SeedStreams(7)
    assert s.seed("x") != s.seed("y")
    assert SeedStreams(7).seed("x") != SeedStreams(8).seed("x")


def test_every_seed_handed_out_is_recorded_and_valid_for_simulators():
    s = SeedStreams(0)
    seeds = [s.seed(name) for name in ("a", "b", "nest_kernel")]
    assert set(s.derived) == {"a", "b", "nest_kernel"}
    assert all(1 <= v < 2**31 for v in seeds)


@pytest.mark.parametrize("bad", [-1, 1.5, "3"])
def test_bad_master_seed(bad):
    with pytest.raises(ValueError):
        SeedStreams(bad)
