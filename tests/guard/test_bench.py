"""``bench --quick``: a smoke run that every figure is printed (no timing assertions)."""

from __future__ import annotations

import json

from xinan.guard.bench import Workload
from xinan.guard.cli import main

PATHS = (
    "a_ahocorasick_rs_raw",
    "b_pyahocorasick",
    "b_flashtext",
    "c_engine_lexicon",
    "d_engine_check_many",
)


def test_bench_quick_json_has_every_figure(capsys):
    assert main(["bench", "--quick", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for run in ("sparse", "dense"):
        for path in PATHS:
            assert report[run][path]["texts_per_s"] > 0
            assert report[run][path]["mb_per_s"] > 0
        assert report[run]["c_over_a_time"] > 0
    assert report["sparse"]["clean_fraction"] >= 0.9
    assert report["dense"]["clean_fraction"] < 0.5
    assert [b["terms"] for b in report["build"]] == [3_000, 30_000]
    assert all(b["engine_build_s"] > 0 for b in report["build"])


def test_bench_quick_table_names_every_path(capsys):
    assert main(["bench", "--quick"]) == 0
    out = capsys.readouterr().out
    for path in PATHS:
        assert path in out
    assert "terms: ahocorasick-rs" in out
    assert "texts/s" in out


def test_workload_same_seed_same_data():
    a, b = Workload(500, 50, dense=False), Workload(500, 50, dense=False)
    assert a.terms == b.terms
    assert a.texts == b.texts
    assert all(2 <= len(t) <= 6 for t in a.terms)
    assert all(len(t) == 120 for t in a.texts)
