"""The fixed held-out split of ChineseHarm-bench train80 and the files guard_datasets writes.

The split decides which rows error analysis may read (dev) and which are only measured
(held-out); it must depend on nothing but the text, never change, and keep row order.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import pytest

from xinan.guard.classifier.datasets import (
    Example,
    harm_part,
    read_jsonl,
    split_harm,
)

REPO = Path(__file__).resolve().parents[2]


def test_harm_part_is_deterministic_and_names_one_of_two_parts() -> None:
    texts = [f"样例文本 {number}" for number in range(300)]
    first = [harm_part(text) for text in texts]
    assert set(first) == {"dev", "heldout"}
    assert [harm_part(text) for text in reversed(texts)] == first[::-1]
    assert [harm_part(text) for text in texts] == first


def test_split_harm_depends_on_the_text_alone() -> None:
    texts = [f"合成 {number}" for number in range(300)]
    plain = split_harm([Example(text, ()) for text in texts])
    labelled = split_harm([Example(text, ("porn",)) for text in texts])
    assert [[r.text for r in part] for part in plain] == [[r.text for r in p] for p in labelled]
    # The same text lands in the same part wherever it stands in the input.
    dev_texts = {r.text for r in plain[0]}
    reordered_dev, _ = split_harm([Example(text, ()) for text in reversed(texts)])
    assert {r.text for r in reordered_dev} == dev_texts


def test_harm_part_pins_known_texts() -> None:
    # sha256("a") starts with "c", sha256("b") with "3": a changed rule fails here.
    assert harm_part("a") == "dev"
    assert harm_part("b") == "heldout"


def test_split_harm_partitions_in_order_and_holds_out_about_three_eighths() -> None:
    rows = [Example(f"第{number}条", ("gambling",) if number % 2 else ()) for number in range(4000)]
    dev, heldout = split_harm(rows)
    assert len(dev) + len(heldout) == len(rows)
    assert {r.text for r in dev}.isdisjoint(r.text for r in heldout)
    assert [r.text for r in dev] == [r.text for r in rows if harm_part(r.text) == "dev"]
    assert 0.33 < len(heldout) / len(rows) < 0.42  # 6 of 16 hex digits = 0.375


def test_guard_datasets_writes_dev_and_heldout_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data" / "ChineseHarm-bench"
    data.mkdir(parents=True)
    labels = ["博彩", "低俗色情", "谩骂引战", "欺诈", "黑产广告", "不违规"]
    rows = [{"文本": f"合成文本{n}", "标签": labels[n % 6]} for n in range(120)]
    (data / "bench_train80.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    argv = ["guard_datasets.py", "--data-dir", str(tmp_path / "data"), "--out", str(out)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(REPO / "scripts" / "guard_datasets.py"), run_name="__main__")
    assert exit_.value.code == 0
    whole = read_jsonl(out / "chineseharm_train80.jsonl")
    dev = read_jsonl(out / "chineseharm-dev.jsonl")
    heldout = read_jsonl(out / "chineseharm-heldout.jsonl")
    assert len(whole) == 120
    assert (dev, heldout) == tuple(split_harm(whole))
    assert dev
    assert heldout
