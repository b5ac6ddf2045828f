"""A model's reference numbers (its reference.toml) and the check of a run's summary against them.

Rule (`reference_spread`): a value passes when |value - reference| <= 2 * spread, where spread
is the reference's seed-to-seed standard deviation (or the stated allowance for a published
number). For a normal spread, a correct model fails a single run about 5 % of the time.
"""

import dataclasses
import importlib.resources
import tomllib

TOLERANCE_SPREADS = 2.0


@dataclasses.dataclass(frozen=True)
class Reference:
    statistic: str
    population: str
    variant: str
    value: float
    spread: float
    unit: str
    n: int
    kind: str
    source: str
    note: str = ""


def load(model_package):
    """The references of a model package (e.g. 'models.rostami2020'), empty if it has none."""
    resource = importlib.resources.files(model_package) / "reference.toml"
    if not resource.is_file():
        return []
    with resource.open("rb") as handle:
        return [Reference(**entry) for entry in tomllib.load(handle).get("reference", [])]


def check(summary, references, variant):
    """Compare a run's summary with the references of `variant`; a list of JSON-ready results."""
    results = []
    for ref in references:
        if ref.variant != variant:
            continue
        value = summary["populations"].get(ref.population, {}).get(ref.statistic)
        if value is None:  # a model-level observable, named population_statistic
            value = summary.get("observables", {}).get(f"{ref.population}_{ref.statistic}")
        tolerance = TOLERANCE_SPREADS * ref.spread
        results.append(
            {
                **dataclasses.asdict(ref),
                "measured": value,
                "tolerance": tolerance,
                "rule": f"|measured - value| <= {TOLERANCE_SPREADS:g} * spread",
                "passed": value is not None and abs(value - ref.value) <= tolerance,
            }
        )
    return results
