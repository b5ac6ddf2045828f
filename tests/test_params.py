"""zoo.params: replace, unknown names, types and units of overrides."""

import pytest

from zoo.models.rostami2020 import Rostami2020Params
from zoo.errors import ZooError

P = Rostami2020Params()


def test_replace_finds_the_group_and_leaves_the_original():
    q = P.replace(Q=50, tau_m_E=15.0)
    assert (q.Q, q.network.Q, q.tau_m_E) == (50, 50, 15.0)
    assert P.Q == 20


def test_unknown_name_suggests_close_matches():
    with pytest.raises(ZooError, match="unknown parameter 'tau_mE'.*tau_m_E"):
        P.replace(tau_mE=15.0)


@pytest.mark.parametrize("name, value", [("Q", 2.5), ("Q", True), ("tau_m_E", "fast"), ("stim_clusters", 3)])
def test_wrong_python_types_are_rejected(name, value):
    with pytest.raises(ZooError, match=name):
        P.replace(**{name: value})


def test_impossible_values_name_the_field():
    with pytest.raises(ZooError, match="N_E .* multiple of Q"):
        P.replace(Q=30)
    with pytest.raises(ZooError, match="J- would be negative"):
        P.replace(Q=4, N_E=400, N_I=100)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Q=50", ("Q", 50)),
        ("tau_m_E=20", ("tau_m_E", 20.0)),
        ("tau_m_E=0.02 s", ("tau_m_E", 20.0)),
        ("stim_amp=0.0002nA", ("stim_amp", 0.2)),
        ("stim_clusters=1,5", ("stim_clusters", (1, 5))),
        ("stim_clusters=none", ("stim_clusters", ())),
        ("stim_starts=1 s,2000", ("stim_starts", (1000.0, 2000.0))),
    ],
)
def test_assignments_are_typed_and_converted_to_declared_units(text, expected):
    name, value = P.parse_assignment(text)
    assert name == expected[0]
    assert value == pytest.approx(expected[1])
    assert type(value) is type(expected[1])


@pytest.mark.parametrize(
    "text, message",
    [
        ("tau_m_E=20mV", "not compatible with 'ms'"),
        ("Q=2.5", "must be an integer"),
        ("Q=ten", "not a number"),
        ("nosuch=1", "unknown parameter"),
        ("Q", "expects name=value"),
        ("r_J=0.5ms", "not compatible"),
    ],
)
def test_bad_assignments_raise_one_line(text, message):
    with pytest.raises(ZooError, match=message) as info:
        P.parse_assignment(text)
    assert "\n" not in str(info.value)


def test_table_has_unit_meaning_and_source_for_every_field():
    rows = P.table()
    assert len(rows) == len(P.fields())
    assert all(row["unit"] and row["meaning"] and row["source"] for row in rows)


def test_quantities_are_taken_in_any_compatible_unit():
    import quantities as pq

    from zoo import registry

    model = registry.create_model("rostami2020.tiny", tau_m_E=0.015 * pq.s, N_E=800 * pq.dimensionless, N_I=200)
    assert model.params.tau_m_E == 15.0 and model.params.N_E == 800 and isinstance(model.params.N_E, int)
    with pytest.raises(ZooError, match="not in a unit compatible with 'ms'"):
        registry.create_model("rostami2020.tiny", tau_m_E=15 * pq.mV)


def test_a_bare_number_that_reads_like_pynns_unit_is_taken_as_declared_with_a_warning(caplog):
    from zoo import registry

    with caplog.at_level("WARNING", logger="zoo"):
        model = registry.create_model("zerlaut2018.tiny", Cm=0.2)  # declared in pF; 0.2 nF = 200 pF, the default
    assert model.params.Cm == 0.2
    assert any("declared unit, pF" in r.getMessage() and "nF" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level("WARNING", logger="zoo"):
        registry.create_model("zerlaut2018.tiny", Cm=150.0)  # plainly pF
    assert not caplog.records
