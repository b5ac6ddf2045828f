"""Mean-field prediction of the RS-FS network (Zerlaut et al. 2018 template; di Volo et al. 2019 adaptation).

The method, in three modules:

- :mod:`.template`: membrane moments under shot noise and the semi-analytic transfer function;
- :mod:`.transfer`: transfer functions measured on a zoo backend (single cells, Poisson input on a
  grid of rates), cached outside the package, and fitted with the template;
- :mod:`.network`: a two-population network's fixed points and its response to a drive Faff(t)
  from the first-order master equation with adaptation.

Here, applied to the network: each cell type's transfer function is measured on uncoupled RS and FS
cells (the network's own cell type and parameters, ``cells.py``) under Poisson input on a grid of total excitatory
and inhibitory input rates, and fitted with the template. In the network a cell receives

    exc: K_E nu_E + N_aff p_aff Faff   (Q_E = Q_aff = 1 nS, so the two share one channel)
    inh: K_I nu_I                      (Q_I = 4 nS)

The coefficients fitted for the default parameters ship in ``fit.json`` (with the protocol that
produced them), so figures need no simulation; :func:`fit_coefficients` measures (or reads from
the cache outside the package) and fits them again for any parameters; ``python -m
zoo.models.zerlaut2018.meanfield [SIMULATOR SEED CELLS_PER_POINT]`` writes ``fit.json`` anew.
"""


import json
from pathlib import Path

import numpy as np

from .. import cells, formulas
from . import network, template, transfer

FIT_FILE = Path(__file__).with_name("fit.json")

# Total input rates [Hz] of the measurement grid: exc 200 (nu_E + Faff) covers Faff 2-10 Hz with
# nu_E up to ~8 Hz; inh 50 nu_I covers nu_I 0-30 Hz.
GRID = (("exc", tuple(np.linspace(400.0, 3600.0, 17))), ("inh", tuple(np.linspace(0.0, 1500.0, 11))))


def cell(p, population):
    """The template's view of an RS ('E') or FS ('I') cell of parameters `p`."""
    rs = population == "E"
    if p.Q_aff != p.Q_E:
        raise ValueError("the mean field merges afferent and recurrent excitation: Q_aff must equal Q_E")
    channels = (("exc", template.Channel(p.Q_E, p.Tsyn_E, p.Erev_E)), ("inh", template.Channel(p.Q_I, p.Tsyn_I, p.Erev_I)))
    return template.Cell(p.Cm, p.Gl, p.El, p.a_E if rs else 0.0, p.b_E if rs else 0.0, p.tauw_E, channels)


def protocol(simulator=None, seed=1, cells_per_point=16):
    """The measurement protocol; `simulator` None takes the one the shipped fit was measured on."""
    simulator = simulator or json.loads(FIT_FILE.read_text())["protocol"]["simulator"]
    return transfer.Protocol(GRID, simulator, cells_per_point=cells_per_point, seed=seed)


def fit_coefficients(p, simulator=None, seed=1, cells_per_point=16):
    """{population: coefficients} measured on `simulator` (cached) and fitted, with fit quality."""
    fitted = {}
    for population in ("E", "I"):
        c = cell(p, population)
        data = transfer.measure(cells.parameters(p, population), c, protocol(simulator, seed, cells_per_point),
                                label=f"zerlaut2018-{population}", neuron=cells.neuron(p))
        coeffs = transfer.fit(c, data)
        fitted[population] = {"coefficients_mV": [float(x) for x in coeffs],
                              "median_relative_error": transfer.fit_quality(c, coeffs, data)}
    return fitted


def shipped_coefficients():
    """{population: coefficients} of fit.json, or None when it is missing."""
    if not FIT_FILE.exists():
        return None
    stored = json.loads(FIT_FILE.read_text())
    return {pop: np.asarray(entry["coefficients_mV"]) for pop, entry in stored["populations"].items()}


def mean_field(p, coefficients=None):
    """The network's MeanField, with shipped coefficients unless others are given; None without any."""
    coefficients = coefficients or shipped_coefficients()
    if coefficients is None:
        return None
    K = formulas.in_degrees(p)
    m = formulas.afferent_trains_per_cell(p)

    def inputs(nu, faff):
        drive = {"exc": K["E"] * nu["E"] + m * faff, "inh": K["I"] * nu["I"]}
        return {"E": drive, "I": drive}

    return network.MeanField({pop: (cell(p, pop), coefficients[pop]) for pop in ("E", "I")}, inputs)


def write_fit(simulator=None, seed=1, cells_per_point=16):
    """Measure (or read from the cache), fit and write fit.json for the default parameters."""
    import datetime

    from zoo.backends import versions

    from ..variants import DEFAULT

    fitted = fit_coefficients(DEFAULT, simulator, seed, cells_per_point)
    pr = protocol(simulator, seed, cells_per_point)
    record = {
        "what": "Zerlaut et al. 2018 template coefficients (P0, P_mu, P_sigma, P_tau, P_mu2, P_sigma2, P_tau2, "
                "P_mu_sigma, P_mu_tau, P_sigma_tau) in mV, fitted to single-cell transfer functions of the "
                "zerlaut2018 default cells",
        "command": f"python -m zoo.models.zerlaut2018.meanfield {pr.simulator} {seed} {cells_per_point}",
        "protocol": {"grid_hz": {name: list(values) for name, values in pr.grid}, "cells_per_point": pr.cells_per_point,
                     "warmup_ms": pr.warmup, "duration_ms": pr.duration, "simulator": pr.simulator, "seed": seed,
                     "dt_ms": pr.dt, "cell_model": DEFAULT.cell_model},
        "versions": versions(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "populations": fitted,
    }
    FIT_FILE.write_text(json.dumps(record, indent=2) + "\n")
    return record
