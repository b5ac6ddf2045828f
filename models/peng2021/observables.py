"""Peng-specific statistics of one run (spec 4.1): tuning per cell and condition, HDI, Delta HDI,
and the structural plausibility checks against the slice data (spec 4.3).

Scalars (compared across backends by the validation, one value per run):
  mean_HDI_<c>, median_HDI_<c>   HDI over the E cells that fired in some window, condition c
  tuned_fraction_<c>             fraction of E cells that fired in some window
  peak_rate_hz_<c>               mean over cells of the highest tuning-curve rate
  direction_error_deg_<c>        mean |preferred - input direction| (degrees)
  delta_HDI                      mean over cells of HDI_polar - HDI_circular, paired per cell
  relative_delta_HDI             delta_HDI / mean HDI_circular (same cells)
  delta_HDI_polar_none, delta_HDI_circular_none   the same against the input-driven baseline
  fraction_improved              fraction of cells with HDI_polar > HDI_circular
  <c>_p_I_to_E_within_100um, <c>_p_E_to_I_within_100um, <c>_reciprocal_given_I_to_E
                                 connection probabilities of I-E pairs whose somata are <= 100 um
                                 apart, and P(E -> I | I -> E) for such pairs (slice-data checks)
Distributions (dicts cell -> value): HDI_<c>.
Per cell (lists, for files and figures, not compared): positions, input direction, and per
condition the tuning curve (spikes/s per direction), HDI and preferred direction.
"""

import numpy as np

from zoo.io import trains_by_population

from . import geometry, tuning

STRUCTURE_DISTANCE_UM = 100.0  # slice pairs: intersomatic distance median 73 um, 22-166 um (spec 4.3)


def _nan_to_none(values):
    return [None if not np.isfinite(v) else float(v) for v in values]


def _mean(values):
    values = np.asarray(values, float)
    return float(np.nanmean(values)) if np.isfinite(values).any() else None


def condition_tuning(model, segment):
    """{condition: {"rates": (N_E, K), "hdi": (N_E,), "preferred": (N_E,)}} of a segment."""
    p = model.params
    by_population = trains_by_population(segment)
    windows = tuning.windows(p.n_directions, p.step_ms, p.discard_ms, model.warmup_ms)
    theta = tuning.directions(p.n_directions)
    found = {}
    for condition in model.conditions():
        trains = sorted(by_population.get(f"E_{condition}", []), key=lambda st: int(st.annotations["source_index"]))
        rates = tuning.tuning_curves(trains, windows)
        found[condition] = {"rates": rates, "hdi": tuning.hdi(rates, theta), "preferred": tuning.preferred_direction(rates, theta)}
    return found


def structure_checks(model, drawn):
    """Connection probabilities of I-E pairs within STRUCTURE_DISTANCE_UM, and reciprocity, per condition."""
    p = model.params
    out = {}
    dx, dy = geometry.displacement(drawn["ix"][:, None], drawn["iy"][:, None], drawn["ex"][None, :], drawn["ey"][None, :],
                                   p.L, p.periodic)
    near = np.hypot(dx, dy) <= STRUCTURE_DISTANCE_UM  # (N_I, N_E)
    pairs = int(near.sum())
    lists = model.connections(drawn)
    for condition in model.inhibited():
        inhibits = np.zeros_like(near)
        pre, post = lists["I_to_E"][condition]
        inhibits[pre, post] = True
        excites = np.zeros_like(near)
        e_pre, i_post = lists["E_to_I"][condition]
        excites[i_post, e_pre] = True
        both = inhibits & excites & near
        out[f"{condition}_p_I_to_E_within_100um"] = float((inhibits & near).sum() / pairs) if pairs else None
        out[f"{condition}_p_E_to_I_within_100um"] = float((excites & near).sum() / pairs) if pairs else None
        connected = int((inhibits & near).sum())
        out[f"{condition}_reciprocal_given_I_to_E"] = float(both.sum() / connected) if connected else None
        counts = np.bincount(post, minlength=p.n_side**2)
        out[f"{condition}_inhibited_fraction"] = float(np.mean(counts > 0))
        out[f"{condition}_mean_I_inputs_per_E"] = float(counts.mean())
        out[f"{condition}_mean_E_inputs_per_I"] = float(np.bincount(i_post, minlength=p.N_I).mean())
    return out


def peng2021_observables(model, segment):
    p = model.params
    drawn = getattr(model, "_draws", None)
    tuned = condition_tuning(model, segment)
    out = {}
    for condition, t in tuned.items():
        fired = np.isfinite(t["hdi"])
        error = np.degrees(np.abs(tuning.circular_difference(t["preferred"], drawn["pref"]))) if drawn else np.full(fired.size, np.nan)
        out[f"mean_HDI_{condition}"] = _mean(t["hdi"])
        out[f"median_HDI_{condition}"] = float(np.nanmedian(t["hdi"])) if fired.any() else None
        out[f"tuned_fraction_{condition}"] = float(fired.mean()) if fired.size else None
        out[f"peak_rate_hz_{condition}"] = float(t["rates"].max(axis=1).mean()) if fired.size else None
        out[f"direction_error_deg_{condition}"] = _mean(error)
    pairs = (("delta_HDI", "polar", "circular"), ("delta_HDI_polar_none", "polar", "none"),
             ("delta_HDI_circular_none", "circular", "none"))
    for name, a, b in pairs:
        if a in tuned and b in tuned:
            both = np.isfinite(tuned[a]["hdi"]) & np.isfinite(tuned[b]["hdi"])
            out[name] = float(np.mean(tuned[a]["hdi"][both] - tuned[b]["hdi"][both])) if both.any() else None
            if name == "delta_HDI":
                base = float(np.mean(tuned[b]["hdi"][both])) if both.any() else None
                out["relative_delta_HDI"] = out[name] / base if base else None
                out["fraction_improved"] = float(np.mean(tuned[a]["hdi"][both] > tuned[b]["hdi"][both])) if both.any() else None
                out["paired_cells"] = int(both.sum())
    for condition, t in tuned.items():
        out[f"HDI_{condition}"] = {str(j): v for j, v in enumerate(_nan_to_none(t["hdi"])) if v is not None}
    if drawn:
        out.update(structure_checks(model, drawn))
        out["map"] = {"kind": p.map_kind, "scale_um": p.perlin_scale if p.map_kind == "perlin" else p.pinwheel_spacing,
                      "map_seed": p.map_seed}
        out["cells"] = {
            "x_um": drawn["ex"].tolist(), "y_um": drawn["ey"].tolist(),
            "input_deg": np.degrees(drawn["pref"]).tolist(),
            "directions_deg": np.degrees(tuning.directions(p.n_directions)).tolist(),
            **{condition: {"rates_hz": np.round(t["rates"], 4).tolist(), "hdi": _nan_to_none(t["hdi"]),
                           "preferred_deg": _nan_to_none(np.degrees(t["preferred"]))} for condition, t in tuned.items()},
        }
    return out
