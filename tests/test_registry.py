"""zoo.registry: every registered model and variant can be created and described."""

import pytest

from zoo import registry
from zoo.errors import ZooError
from zoo.seeds import SeedStreams


@pytest.mark.parametrize("spec", registry.list_models(variants=True))
def test_every_variant_creates_and_describes_itself(spec):
    model = registry.create_model(spec)
    assert model.name and model.citation and model.doi and model.description
    try:
        structure = model.structure(model.draw(SeedStreams(1))).as_dict()
    except ZooError as err:
        if "cannot download data set" not in str(err):
            raise
        pytest.skip(f"{spec} needs a data set that is neither cached nor downloadable here")
    assert structure["totals"]["neurons"] > 0 and structure["totals"]["synapses"] > 0
    assert model.duration_ms > 0 and model.warmup_ms >= 0


def test_default_variant_and_overrides():
    model = registry.create_model("rostami2020", Q=50)
    assert model.variant_name == "default" and model.params.Q == 50


@pytest.mark.parametrize(
    "spec, overrides, message",
    [("nosuch", {}, "unknown model"), ("rostami2020.nosuch", {}, "unknown variant"), ("rostami2020", {"QQ": 1}, "unknown parameter")],
)
def test_unknown_names(spec, overrides, message):
    with pytest.raises(ZooError, match=message):
        registry.create_model(spec, **overrides)


def test_list_models_imports_no_simulator():
    import subprocess
    import sys

    code = "import sys, zoo.registry as r; r.list_models(variants=True); print('nest' in sys.modules or 'brian2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
