"""zoo.from_list.HandedOver: a FromListConnector keeps a handed-over list itself, not a copy."""

import numpy as np
import pytest
from pyNN.connectors import FromListConnector

from zoo.errors import ZooError
from zoo.from_list import HandedOver, ReleasedList


@pytest.mark.parametrize("columns", [2, 4])
def test_the_connector_keeps_the_list_itself(columns):
    rows = np.arange(6 * columns, dtype=np.int32).reshape(6, columns)
    connector = FromListConnector(HandedOver(rows))
    assert connector.conn_list is rows
    assert connector.column_names == (() if columns == 2 else ("weight", "delay"))


def test_an_empty_list_and_a_list_taken_twice():
    assert FromListConnector(HandedOver(np.empty((0, 2), np.int32))).column_names == ()
    handed = HandedOver(np.zeros((3, 2), np.int32))
    np.asarray(handed)
    with pytest.raises(ValueError, match="once"):
        np.asarray(handed)


def _project(sim, pre, post, rows):
    return sim.Projection(pre, post, sim.FromListConnector(rows), sim.StaticSynapse(weight=0.5, delay=1.0))


def test_a_built_projection_releases_a_handed_over_list(backend):
    sim = backend.sim
    pre, post = sim.Population(20, sim.IF_curr_exp()), sim.Population(15, sim.IF_curr_exp())
    rows = np.column_stack([np.arange(40) % 20, np.arange(40) * 7 % 15]).astype(np.int32)
    kept = _project(sim, pre, post, rows.copy())
    handed = _project(sim, pre, post, HandedOver(rows))
    assert isinstance(handed._connector.conn_list, ReleasedList) and len(handed._connector.conn_list) == 40
    assert kept._connector.conn_list.shape == (40, 2)  # a list given as such stays
    assert sorted(handed.get("weight", format="list")) == sorted(kept.get("weight", format="list"))
    assert "40 connections, released" in repr(handed._connector.conn_list)
    with pytest.raises(ZooError, match="released"):
        sim.Projection(pre, post, handed._connector, sim.StaticSynapse(weight=0.5, delay=1.0))
