"""A benchmark checks its results file before it runs anything, and never writes over one."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from process_costs import claim_output  # noqa: E402


def test_an_explicit_file_that_exists_stops_the_benchmark(tmp_path):
    taken = tmp_path / "results.json"
    taken.write_text("earlier results")
    with pytest.raises(SystemExit, match="exists"):
        claim_output(taken)
    assert taken.read_text() == "earlier results"


def test_a_default_name_that_exists_gets_the_next_free_suffix(tmp_path):
    default = tmp_path / "bench-2026-12-06.json"
    default.write_text("a")
    (tmp_path / "bench-2026-12-06-b.json").write_text("b")
    assert claim_output(None, default) == tmp_path / "bench-2026-12-06-c.json"


def test_a_missing_folder_is_made_before_the_run(tmp_path):
    path = tmp_path / "new" / "folder" / "results.json"
    assert claim_output(path) == path
    assert path.parent.is_dir() and not path.exists()


@pytest.mark.parametrize("script", ["schmidt2018.py", "zerlaut2018.py", "fore2020.py", "growth.py"])
def test_each_benchmark_refuses_an_existing_out_before_running(tmp_path, script):
    taken = tmp_path / "results.json"
    taken.write_text("earlier results")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), "--out", str(taken)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1].startswith("error:") and "exists" in done.stderr
    assert taken.read_text() == "earlier results"
