"""A results directory as an NWB file (Neurodata Without Borders 2, through pynwb).

The recorded spikes go into the ``units`` table, one row per neuron (silent ones included), with
the columns ``population`` and ``index`` (the neuron in its population) and the model's labels
(e.g. ``cluster``); the recorded window is the units' observation interval. There are no
electrodes: the spikes are simulated. The model, variant, simulator, master seed, parameters and
versions are in the file's metadata (``session_description``, ``source_script``, ``keywords``), and
the whole provenance.json in ``notes``. nwbinspector finds nothing to object to but the missing
subject: a simulation has no animal (DANDI asks for one; add a ``pynwb.file.Subject`` before
uploading to say what the model stands for).
"""

import datetime
import json
import uuid
from pathlib import Path

import numpy as np

from .. import io
from ..errors import ZooError

INSTALL_HINT = "pip install 'zoo[nwb]' (pynwb)"


def export(results, out=None):
    """Write the NWB file of the results directory `results` (default ``results/spikes.nwb``);
    returns its path."""
    try:
        import pynwb
    except ImportError:
        raise ZooError(f"NWB export needs pynwb: {INSTALL_HINT}") from None
    results = Path(results)
    try:
        provenance = json.loads((results / "provenance.json").read_text())
        segment, _ = io.load_segment(results / "spikes.nix")
    except (OSError, ValueError) as err:
        raise ZooError(f"{results} is not a complete zoo results directory ({err})") from None
    start, stop = (float(t) for t in provenance["recorded_window_ms"])
    backend = provenance["backend"]
    created = datetime.datetime.fromisoformat(provenance["date_utc"])
    nwbfile = pynwb.NWBFile(
        session_description=(f"Simulation of {provenance['model']} ({provenance['variant']}) on "
                             f"{backend['simulator']}, master seed {provenance['seeds']['master']}: "
                             f"{provenance.get('citation', '')}"),
        identifier=str(uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(provenance, sort_keys=True))),
        session_start_time=created,
        timestamps_reference_time=created,
        experiment_description=f"doi:{provenance.get('doi', '')}",
        source_script=" ".join(provenance.get("command") or []) or "zoo",
        source_script_file_name="zoo",
        keywords=["simulation", "spiking network", provenance["model"], backend["simulator"]],
        notes=json.dumps(provenance, sort_keys=True),
    )
    nwbfile.units = pynwb.misc.Units(name="units", description="simulated neurons, one per row",
                                     resolution=float(backend["timestep_ms"]) / 1000.0)  # spikes on the time grid
    labels = sorted({key for st in segment.spiketrains for key in st.annotations
                     if key not in ("source_population", "source_index", "source_id") and np.isscalar(st.annotations[key])})
    nwbfile.add_unit_column("population", "population the neuron belongs to (the model's name for it)")
    nwbfile.add_unit_column("index", "index of the neuron within its population")
    for label in labels:
        nwbfile.add_unit_column(label, f"the model's label '{label}' of the neuron")
    for st in segment.spiketrains:
        nwbfile.add_unit(spike_times=io.times_ms(st) / 1000.0, obs_intervals=[[start / 1000.0, stop / 1000.0]],
                         population=str(st.annotations["source_population"]), index=int(st.annotations["source_index"]),
                         **{label: st.annotations.get(label, -1) for label in labels})
    out = Path(out) if out else results / "spikes.nwb"
    with pynwb.NWBHDF5IO(str(out), "w") as writer:
        writer.write(nwbfile)
    return out
