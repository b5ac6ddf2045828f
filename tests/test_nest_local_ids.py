"""zoo.backends.nest.local_ids: ID.local answers as NEST does, without asking it, in one process."""

import pyNN.nest as sim

from zoo.backends.nest import local_ids as nest_local_ids


def test_every_cell_local_as_nest_says_and_recording_unchanged(monkeypatch):
    nest_local_ids.uninstall()
    sim.setup()
    try:
        cells = sim.Population(20, sim.IF_curr_exp())
        stock = [cell.local for cell in cells]
        nest_local_ids.install()
        calls = []
        monkeypatch.setattr(type(cells.all_cells[0].node_collection), "get",
                            lambda *a, **k: calls.append(a) or {})
        patched = [cell.local for cell in cells]
        monkeypatch.undo()
        assert patched == stock == [True] * 20
        assert calls == []  # NEST was not asked
        cells.record("spikes")
        assert cells.recorder.recorded[next(iter(cells.recorder.recorded))] == set(cells.all_cells)
    finally:
        nest_local_ids.uninstall()
        sim.end()


def test_more_than_one_process_asks_nest(monkeypatch):
    nest_local_ids.install()
    sim.setup()
    try:
        cell = sim.Population(1, sim.IF_curr_exp())[0]
        monkeypatch.setattr(sim.simulator.state, "_cache_num_processes", 2)
        asked = []
        stock_get = type(cell.node_collection).get
        monkeypatch.setattr(type(cell.node_collection), "get", lambda self, *a, **k: asked.append(a) or stock_get(self, *a, **k))
        assert cell.local is True
        assert asked
    finally:
        nest_local_ids.uninstall()
        sim.end()


def test_node_collections_local_as_nest_says_without_asking(monkeypatch):
    import nest

    nest_local_ids.uninstall()
    sim.setup()
    try:
        a, b = nest.Create("iaf_psc_exp", 5), nest.Create("parrot_neuron", 3)
        collections = [a, a[0], a[1:3], a + b, a[::2]]
        stock = [c.local for c in collections]
        nest_local_ids.install()
        asked = []
        stock_get = nest.NodeCollection.get
        monkeypatch.setattr(nest.NodeCollection, "get", lambda self, *a, **k: asked.append(a) or stock_get(self, *a, **k))
        assert [c.local for c in collections] == stock
        a.set(V_m=[-60.0, -61.0, -62.0, -63.0, -64.0])  # PyNEST's set reads .local
        assert ("local",) not in asked and a[3].V_m == -63.0
        assert a.V_m == (-60.0, -61.0, -62.0, -63.0, -64.0)  # other attributes still ask NEST
    finally:
        nest_local_ids.uninstall()
        sim.end()
