"""A model's network as SONATA (nodes, edges, inputs), written without a simulator.

The model is built on the recording stand-in (:mod:`zoo.standin`) from what it draws for the master
seed, so the file holds the network every backend builds for that seed: each PyNN population is a
node population, each projection an edge population with one edge per connection of its
FromListConnector. The format is SONATA's (Dai et al. 2020, PLoS Comput Biol 16:e1007696), read by
libsonata, BMTK and NEST 3 (``nest.SonataNetwork``, in builds with HDF5):

- ``network/nodes.h5``: ``/nodes/<population>/node_type_id`` (one node type per population), and
  per-node values of the cell parameters that vary across cells in group ``0``;
- ``network/node_types.csv``: ``model_type`` (``point_neuron``, or ``virtual`` for spike sources),
  ``model_template`` (``pynn:<cell type>``), ``dynamics_params`` (a JSON file of the parameters
  shared by the population, PyNN names and units);
- ``network/edges.h5``: ``/edges/<projection>/source_node_id``, ``target_node_id`` (node ids of
  the populations named in their ``node_population`` attribute), group ``0`` with ``syn_weight``
  and ``delay`` per edge, in PyNN's units (weights in nA for current-based and uS for
  conductance-based targets, as PyNN takes them; delays in ms on the time grid);
- ``network/edge_types.csv``: one edge type per projection, with its receptor and synapse type;
- ``inputs/<population>_spikes.h5``: the spike times of replayed spike sources;
- ``circuit_config.json`` naming all of it.

A projection whose source or target is a view of a population gets the view's cells in its
group ``zoo``, so that edges can be read back in the projection's own indices
(:func:`read_fingerprint`, which gives the zoo's connectivity fingerprint).
"""

import csv
import json
import re
from pathlib import Path

import numpy as np

from .. import standin
from ..errors import ZooError
from ..network import fingerprint

SOURCES = {"SpikeSourceArray", "SpikeSourcePoisson", "SpikeSourceGamma", "SpikeSourceInhGamma",
           "SpikeSourcePoissonRefractory"}


def export(model, streams, out):
    """Write `model`'s network for the master seed of `streams` under the folder `out`; returns
    the path of circuit_config.json. Stops with a ZooError where the network cannot be read."""
    drawn = model.draw(streams)
    usage = standin.build(model, drawn, keep=True)
    structure = model.structure(drawn).as_dict()
    if usage.problems:
        raise ZooError(f"{model.name}: the network could not be read without a simulator ({usage.problems[0]})")
    dt = float(model.simulation_settings()["timestep"])
    out = Path(out)
    (out / "network" / "components").mkdir(parents=True, exist_ok=True)
    (out / "inputs").mkdir(exist_ok=True)
    populations = [entry for entry in usage.populations if "object" in entry]
    _write_nodes(out, populations)
    inputs = _write_inputs(out, populations)
    _write_edges(out, usage.projections, dt)
    config = {
        "manifest": {"$BASE_DIR": "."},
        "components": {"point_neuron_models_dir": "$BASE_DIR/network/components"},
        "networks": {
            "nodes": [{"nodes_file": "$BASE_DIR/network/nodes.h5", "node_types_file": "$BASE_DIR/network/node_types.csv"}],
            "edges": [{"edges_file": "$BASE_DIR/network/edges.h5", "edge_types_file": "$BASE_DIR/network/edge_types.csv"}],
        },
        "inputs": {name: {"input_type": "spikes", "module": "sonata", "input_file": f"$BASE_DIR/inputs/{name}_spikes.h5",
                          "node_set": name} for name in inputs},
        "zoo": {"model": model.name, "variant": model.variant_name, "master_seed": streams.master_seed,
                "timestep_ms": dt,
                # the synapse count a zoo run hashes its fingerprint's sample from (zoo.network.fingerprint)
                "fingerprint_total": structure["totals"]["synapses"] if structure["exact_counts"] else
                sum(entry["listed_connections"] or 0 for entry in usage.projections),
                "parameters": {row["name"]: row["value"] for row in model.params.table()}},
    }
    path = out / "circuit_config.json"
    path.write_text(json.dumps(config, indent=2, default=_plain) + "\n")
    return path


def _name(label):
    """A population label as an HDF5 group and file name (no '/')."""
    return re.sub(r"[/\s]+", "_", str(label))


def _parameters(celltype):
    """{name: value or per-cell array} of a stand-in cell type's parameters (PyNN names and units)."""
    space = getattr(celltype, "parameter_space", None)
    if space is None:
        return {}
    found = {}
    for name in space.keys():
        lazy = space[name]
        try:
            found[name] = float(lazy.base_value) if lazy.is_homogeneous else np.asarray(lazy.base_value, dtype=float)
        except (TypeError, ValueError):
            continue  # sequences (spike times) and other values that are not numbers go elsewhere
    return found


def _write_nodes(out, populations):
    import h5py

    rows = []
    with h5py.File(out / "network" / "nodes.h5", "w") as h5:
        h5.attrs["version"] = [0, 1]
        for type_id, entry in enumerate(populations):
            population = entry["object"]
            name = _name(population.label)
            group = h5.create_group(f"nodes/{name}")
            group.create_dataset("node_type_id", data=np.full(population.size, type_id, dtype=np.int64))
            group.create_dataset("node_group_id", data=np.zeros(population.size, dtype=np.int64))
            group.create_dataset("node_group_index", data=np.arange(population.size, dtype=np.int64))
            per_node = group.create_group("0")
            shared = {}
            for parameter, value in _parameters(population.celltype).items():
                if np.ndim(value):
                    per_node.create_dataset(f"dynamics_params/{parameter}", data=np.broadcast_to(value, (population.size,)))
                else:
                    shared[parameter] = value
            params_file = f"{name}.json"
            (out / "network" / "components" / params_file).write_text(json.dumps(shared, indent=2) + "\n")
            cell = entry["cell_type"]
            rows.append({"node_type_id": type_id, "pop_name": population.label,
                         "model_type": "virtual" if cell in SOURCES else "point_neuron",
                         "model_template": f"pynn:{cell}", "dynamics_params": params_file})
    _write_csv(out / "network" / "node_types.csv", rows)


def _write_inputs(out, populations):
    import h5py

    written = []
    for entry in populations:
        trains = entry.get("spike_times")
        if trains is None:
            continue
        name = _name(entry["object"].label)
        ids = np.repeat(np.arange(len(trains)), [len(t) for t in trains])
        times = np.concatenate([np.asarray(t, dtype=float) for t in trains]) if len(trains) else np.array([])
        order = np.argsort(times, kind="stable")
        with h5py.File(out / "inputs" / f"{name}_spikes.h5", "w") as h5:
            spikes = h5.create_group(f"spikes/{name}")
            sorting = h5py.enum_dtype({"none": 0, "by_id": 1, "by_time": 2}, basetype="u1")  # SONATA's enum
            spikes.attrs.create("sorting", 2, dtype=sorting)
            spikes.create_dataset("timestamps", data=times[order]).attrs["units"] = "ms"
            spikes.create_dataset("node_ids", data=ids[order].astype(np.uint64))
        written.append(name)
    return written


def _owner(cells):
    """(population, indices of the cells in it) of a stand-in population or view."""
    parent = vars(cells).get("parent")  # the stand-in answers any attribute: ask what it holds
    return (cells, None) if parent is None else (parent, cells.cells)


def connections(projection_entry, dt):
    """(pre, post, weight, delay) arrays of a stand-in projection, as a simulator gets them: list
    columns or the synapse type's values, delays rounded to the time step as PyNN rounds them."""
    pre, post, connector, synapse_type = projection_entry["objects"]
    rows = getattr(connector, "conn_list", None)
    if rows is None:
        raise ZooError(f"projection '{projection_entry['label']}': SONATA export takes FromListConnector "
                       f"projections (the zoo's models draw their lists), not {projection_entry['connector']}")
    rows = np.asarray(rows)
    if rows.size == 0:
        rows = rows.reshape(0, 2 + len(connector.column_names))
    columns = dict(zip(connector.column_names, rows[:, 2:].T))
    values = {}
    for name in ("weight", "delay"):
        if name in columns:
            values[name] = np.asarray(columns[name], dtype=float)
            continue
        lazy = synapse_type.parameter_space[name]
        if not lazy.is_homogeneous:
            raise ZooError(f"projection '{projection_entry['label']}': its {name} is drawn by the simulator; "
                           "give it in the connection list to export it")
        values[name] = np.full(len(rows), float(lazy.base_value))
    delay = np.round(values["delay"] / dt) * dt
    return rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64), values["weight"], delay


def _write_edges(out, projections, dt):
    import h5py

    rows = []
    with h5py.File(out / "network" / "edges.h5", "w") as h5:
        h5.attrs["version"] = [0, 1]
        for type_id, entry in enumerate(projections):
            pre, post, _, synapse_type = entry["objects"]
            i, j, weight, delay = connections(entry, dt)
            (source, source_cells), (target, target_cells) = _owner(pre), _owner(post)
            group = h5.create_group(f"edges/{_name(entry['label'])}")
            group.attrs["zoo_label"] = str(entry["label"])
            ids = group.create_dataset("source_node_id", data=i if source_cells is None else source_cells[i])
            ids.attrs["node_population"] = _name(source.label)
            ids = group.create_dataset("target_node_id", data=j if target_cells is None else target_cells[j])
            ids.attrs["node_population"] = _name(target.label)
            group.create_dataset("edge_type_id", data=np.full(i.size, type_id, dtype=np.int64))
            group.create_dataset("edge_group_id", data=np.zeros(i.size, dtype=np.int64))
            group.create_dataset("edge_group_index", data=np.arange(i.size, dtype=np.int64))
            group.create_dataset("0/syn_weight", data=weight)
            group.create_dataset("0/delay", data=delay)
            for side, cells in (("source", source_cells), ("target", target_cells)):
                if cells is not None:
                    group.create_dataset(f"zoo/{side}_cells", data=cells)
            rows.append({"edge_type_id": type_id, "model_template": f"pynn:{entry['synapse_type']}",
                         "receptor_type": entry["receptor_type"] or "", "zoo_label": entry["label"]})
    _write_csv(out / "network" / "edge_types.csv", rows)


def _write_csv(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["id"], delimiter=" ")
        writer.writeheader()
        writer.writerows(rows)


def _plain(value):
    return list(value) if isinstance(value, (tuple, np.ndarray)) else str(value)


def read_fingerprint(config_path):
    """The zoo's connectivity fingerprint (:func:`zoo.network.fingerprint`) of the edges of a SONATA
    circuit, read with libsonata: equal to that of the simulator that built the same network."""
    import libsonata

    import h5py

    base = Path(config_path).resolve().parent
    with h5py.File(base / "network" / "edges.h5", "r") as h5:  # the zoo's own notes, closed before libsonata reads
        views = {name: {side: h5[f"edges/{name}/zoo/{side}_cells"][()] for side in ("source", "target")
                        if f"edges/{name}/zoo/{side}_cells" in h5} for name in h5["edges"]}
        labels = {name: h5[f"edges/{name}"].attrs.get("zoo_label", name) for name in h5["edges"]}
    storage = libsonata.EdgeStorage(str(base / "network" / "edges.h5"))
    readers = {}
    for name in storage.population_names:
        population = storage.open_population(name)
        everything = libsonata.Selection([(0, population.size)])
        table = [population.source_nodes(everything), population.target_nodes(everything),
                 population.get_attribute("syn_weight", everything), population.get_attribute("delay", everything)]
        for column, side in ((0, "source"), (1, "target")):
            cells = views[name].get(side)
            if cells is not None:  # node ids back to the view's own indices
                index = np.full(int(cells.max()) + 1, -1, dtype=np.int64)
                index[cells] = np.arange(cells.size)
                table[column] = index[table[column]]
        readers[str(labels[name])] = lambda stride, t=table: tuple(c[t[0] % stride == 0] for c in t)
    total = json.loads((base / "circuit_config.json").read_text())["zoo"]["fingerprint_total"]
    return fingerprint(readers, total)
