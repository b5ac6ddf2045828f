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
