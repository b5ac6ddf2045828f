"""The protocol's first milliseconds on both backends (validation/early.py): the runs behind the
paired rule's spike-time row, and the command that shows where a model's backends part."""

import pytest

from zoo.validation import early


def test_nest_and_brian2_share_the_first_spikes_of_one_seed_and_a_wrong_delay_does_not(tmp_path, capsys):
    """rostami2020.tiny, seed 1: the first 5 ms on both backends, then with every delay 0.5 ms on NEST."""
    shares = {}
    for fault in (None, "delay_0.5ms"):
        argv = ["rostami2020.tiny", "--ms", "5", "--seeds", "1", "--runs", str(tmp_path)] + (["--fault", fault] if fault else [])
        assert early.main(argv) == 0
        last = capsys.readouterr().out.strip().splitlines()[-1].split()
        shares[fault] = float(last[-1])
    assert shares[None] > 0.9 and shares["delay_0.5ms"] < 0.5


@pytest.mark.parametrize("argv, message", [
    (["rostami2020", "--ms", "0"], "--ms must be positive"),
    (["rostami2020", "--fault", "nonsense"], "unknown fault"),
    (["nomodel"], "unknown model"),
])
def test_bad_input_is_one_line(argv, message, capsys):
    assert early.main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
