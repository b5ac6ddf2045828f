"""Which cell each population is built from: one place for the network and the mean field's
transfer-function measurement, so both always simulate the same cell.

``cell_model`` (params.py) picks the realisation of the same AdExp cell (parameters as ntwk's README):

- ``"euler"`` (default): :data:`zoo.neurons.ADEX_COND_EXP`, forward Euler at the time step on both
  backends, as ntwk integrates its cells (``brian2.NeuronGroup(..., method='euler')`` in
  ``ntwk/cells/cell_construct.py``); on NEST a NESTML module compiled once and cached.
- ``"aeif_cond_exp"``: PyNN's ``EIF_cond_exp_isfa_ista``, i.e. NEST's ``aeif_cond_exp`` (GSL's adaptive
  RKF45) on NEST and fixed-step rk2 on Brian2: two integrators, and NEST simulates 11-14x slower than Brian2.
"""

from zoo.neurons import ADEX_COND_EXP, cell_type

from . import formulas

CELL_MODELS = ("euler", "aeif_cond_exp")


def neuron(p):
    """The zoo.neurons definition of the cells, or None for PyNN's EIF_cond_exp_isfa_ista."""
    return ADEX_COND_EXP if p.cell_model == "euler" else None


def type_name(p):
    """Name of the cell type on the simulators (for the structure summary)."""
    return ADEX_COND_EXP.name if neuron(p) else "EIF_cond_exp_isfa_ista"


def parameters(p, population):
    """Cell parameters of population 'E' or 'I' in the units of the chosen cell type."""
    return formulas.adex_parameters(p, population) if neuron(p) else formulas.cell_parameters(p, population)


def create(sim, p, population):
    """A PyNN cell-type instance of population 'E' or 'I' on `sim` (set up by the caller)."""
    if neuron(p):
        return cell_type(ADEX_COND_EXP, sim)(**parameters(p, population))
    return sim.EIF_cond_exp_isfa_ista(**parameters(p, population))


def rest(p):
    """Initial values at rest (V = El, w = 0) under the chosen cell type's names."""
    return {"V_m" if neuron(p) else "v": p.El, "w": 0.0}
