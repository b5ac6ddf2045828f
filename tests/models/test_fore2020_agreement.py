"""models.fore2020.agreement: backends compared against the seed-to-seed spread."""

import json

import numpy as np
import pytest

from models.fore2020 import agreement


def _write(root, simulator, seed, shift=0.0, rng=None):
    values = {key: 1.0 + 0.1 * rng.standard_normal() + shift for key, _ in agreement.STATISTICS}
    directory = root / f"{simulator}-{seed}"
    directory.mkdir()
    (directory / "comparison.json").write_text(json.dumps({**values, "simulator": simulator, "seed": seed}))
    return directory


def _dirs(tmp_path, shift):
    rng = np.random.default_rng(3)
    return [_write(tmp_path, sim, seed, shift if sim == "nest" else 0.0, rng) for sim in ("nest", "brian2") for seed in (1, 2, 3, 4)]


def test_backends_from_one_distribution_agree(tmp_path):
    result = agreement.compare(agreement.load(_dirs(tmp_path, 0.0)))
    assert result["all_agree"]
    assert result["seeds"] == {"nest": [1, 2, 3, 4], "brian2": [1, 2, 3, 4]}
    row = result["rows"][0]
    assert 0.04 < row["seed_sd"] < 0.25
    assert result["t_quantile"] == pytest.approx(4.486, abs=0.01)  # 6 df, 0.05 / 24 per side
    assert row["bound"] == pytest.approx(result["t_quantile"] * row["seed_sd"] * np.sqrt(2 / 4))


def test_a_shift_of_several_seed_sds_is_reported(tmp_path, capsys):
    dirs = _dirs(tmp_path, 0.5)
    assert not agreement.compare(agreement.load(dirs))["all_agree"]
    assert agreement.main([str(d) for d in dirs]) == 1
    assert "DIFFER" in capsys.readouterr().out


def test_one_seed_per_backend_is_a_one_line_error(tmp_path, capsys):
    rng = np.random.default_rng(0)
    dirs = [_write(tmp_path, "nest", 1, rng=rng), _write(tmp_path, "brian2", 1, rng=rng)]
    assert agreement.main([str(d) for d in dirs]) == 2
    err = capsys.readouterr().err
    assert "at least 2 per backend" in err and err.count("\n") == 1
