"""models.fore2020.agreement: backends compared seed by seed against the seed-to-seed spread."""

import json

import numpy as np

from zoo.models.fore2020 import agreement


def _write(root, simulator, seed, value):
    directory = root / f"{simulator}-{seed}"
    directory.mkdir()
    values = {key: value for key, _ in agreement.STATISTICS}
    (directory / "comparison.json").write_text(json.dumps({**values, "simulator": simulator, "seed": seed}))
    return directory


def _dirs(tmp_path, offset, seeds=(1, 2, 3, 4)):
    """A seed's network moves both backends alike (SD 0.1); the noise differs (SD 0.01)."""
    rng = np.random.default_rng(3)
    dirs = []
    for seed in seeds:
        network = 1.0 + 0.1 * rng.standard_normal()
        dirs.append(_write(tmp_path, "nest", seed, network + offset + 0.01 * rng.standard_normal()))
        dirs.append(_write(tmp_path, "brian2", seed, network + 0.01 * rng.standard_normal()))
    return dirs


def test_backends_that_differ_only_in_noise_agree(tmp_path):
    result = agreement.compare(agreement.load(_dirs(tmp_path, 0.0)))
    assert result["verdict"] == "agree" and result["seeds"] == [1, 2, 3, 4]
    row = result["rows"][0]
    assert 0.03 < row["seed_sd"] < 0.3
    assert abs(row["paired_difference_mean"]) < 0.05 and not row["offset"]


def test_a_shift_larger_than_the_seed_spread_is_reported(tmp_path, capsys):
    dirs = _dirs(tmp_path, 0.5)
    result = agreement.compare(agreement.load(dirs))
    assert result["verdict"] == "DIFFER" and all(row["offset"] for row in result["rows"])
    assert agreement.main([str(d) for d in dirs]) == 1
    assert "DIFFER (offset)" in capsys.readouterr().out


def test_a_noise_sized_difference_in_few_seeds_is_inconclusive(tmp_path):
    values = {"nest": (1.3, 1.9, 1.3), "brian2": (1.0, 1.0, 1.0)}  # paired 0.5 +/- 0.35 > seed SD 0.24
    dirs = [_write(tmp_path, sim, seed, v) for sim, vs in values.items() for seed, v in enumerate(vs, 1)]
    result = agreement.compare(agreement.load(dirs))
    assert result["verdict"] == "inconclusive"
    assert {row["verdict"] for row in result["rows"]} == {"inconclusive"}


def test_a_consistent_small_offset_is_flagged_but_within_the_spread(tmp_path):
    result = agreement.compare(agreement.load(_dirs(tmp_path, 0.05, seeds=range(1, 9))))
    row = result["rows"][0]
    assert row["verdict"] == "agree" and row["offset"]


def test_fewer_than_two_paired_seeds_is_a_one_line_error(tmp_path, capsys):
    dirs = [_write(tmp_path, "nest", 1, 1.0), _write(tmp_path, "brian2", 1, 1.0), _write(tmp_path, "nest", 2, 1.0)]
    assert agreement.main([str(d) for d in dirs]) == 2
    err = capsys.readouterr().err
    assert "at least 2" in err and err.count("\n") == 1
