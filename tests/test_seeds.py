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


def test_child_streams_are_the_same_whichever_are_asked_for():
    streams = SeedStreams(7)
    every = streams.generators("connectivity/X", 8)
    some = SeedStreams(7).generators("connectivity/X", 8, [5, 2])
    assert sorted(some) == [2, 5] and len(every) == 8
    assert all(np.array_equal(every[i].random(4), some[i].random(4)) for i in (2, 5))
    assert not np.array_equal(SeedStreams(7).generators("connectivity/X", 8)[1].random(4),
                              SeedStreams(7).generators("connectivity/X", 8)[2].random(4))
    assert list(streams.derived) == ["connectivity/X"]
