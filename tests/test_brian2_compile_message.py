"""The Brian2 wing says how long Brian2 prepared a run's code and whether it compiled anything
(new modules in its Cython cache), so that a first run's one-off compilation shows as such."""

import brian2


def _watch(monkeypatch, tmp_path):
    from zoo.backends import brian2 as wing

    said = []
    monkeypatch.setitem(brian2.prefs, "codegen.runtime.cython.cache_dir", str(tmp_path))
    monkeypatch.setattr(wing.progress, "step", lambda message, *args: said.append(message % args))
    return wing._CompileWatch(), said


def test_new_modules_in_the_cache_are_reported_as_compiled(monkeypatch, tmp_path):
    watch, said = _watch(monkeypatch, tmp_path)
    (tmp_path / "old.so").write_bytes(b"")
    watch.start()
    for name in ("a.so", "b.so"):
        (tmp_path / name).write_bytes(b"")
    watch.first_report(63.4)
    watch.first_report(70.0)  # only the first report of a run says it
    assert said == ["Brian2 prepared the code in 63 s, 2 module(s) compiled once (cached: later runs of this network "
                    "skip it)"]


def test_a_warm_cache_is_reported_as_such(monkeypatch, tmp_path):
    watch, said = _watch(monkeypatch, tmp_path)
    (tmp_path / "old.so").write_bytes(b"")
    watch.start()
    watch.first_report(4.2)
    assert said == ["Brian2 prepared the code in 4.2 s from its cache (nothing compiled)"]


def test_nothing_is_said_without_a_start(monkeypatch, tmp_path):
    watch, said = _watch(monkeypatch, tmp_path)
    watch.first_report(1.0)  # numpy target: the watch never started
    assert said == []
