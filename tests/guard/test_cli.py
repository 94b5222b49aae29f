"""``xinan guard`` subcommands, called through main() and once as a module."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from xinan.guard.cli import main


def _run(capsys, argv, stdin: str = ""):
    sys.stdin = io.StringIO(stdin)
    try:
        status = main(argv)
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return status, out, err


def test_check_text_prints_one_verdict(capsys):
    status, out, _ = _run(capsys, ["check", "--no-model", "这里可以赌博"])
    verdict = json.loads(out)
    assert status == 0
    assert verdict["action"] == "block"
    assert verdict["codes"][0] == "gambling"


def test_check_stdin_when_no_text(capsys):
    status, out, _ = _run(capsys, ["check", "--no-model"], stdin="今天天气很好")
    assert status == 0
    assert json.loads(out)["action"] == "pass"


def test_check_jsonl_one_line_per_input_carrying_id(capsys):
    lines = [{"id": 1, "text": "赌博"}, {"id": "b", "text": "你好"}, {"id": None, "text": ""}]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    status, out, err = _run(capsys, ["check", "--no-model", "--jsonl"], stdin=stdin)
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert [(r["id"], r["action"]) for r in rows] == [(1, "block"), ("b", "pass"), (None, "pass")]
    assert err == ""  # no progress bar when stderr is not a terminal


def test_check_jsonl_bad_line_exits_2_naming_line(capsys):
    status, _, err = _run(capsys, ["check", "--no-model", "--jsonl"], stdin='{"id": 1}\n')
    assert status == 2
    assert "stdin line 1" in err


def test_check_extra_lexicon_is_used(capsys, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("蓝鲸游戏,self_harm,block\n", encoding="utf-8")
    status, out, _ = _run(capsys, ["check", "--no-model", "--lexicon", str(path), "玩蓝鲸游戏"])
    verdict = json.loads(out)
    assert status == 0
    assert verdict["codes"] == ["self_harm"]
    assert "lexicon:mine" in verdict["versions"]


def test_check_malformed_lexicon_exits_2_naming_line(capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("好词,nonsense,block\n", encoding="utf-8")
    status, _, err = _run(capsys, ["check", "--lexicon", str(path), "x"])
    assert status == 2
    assert "bad.csv:1" in err


def test_check_lone_surrogate_text_writes_output(capsys):
    status, out, _ = _run(capsys, ["check", "--no-model", "赌\ud800博"])
    assert status == 0
    assert json.loads(out)["action"] == "block"


def test_lexicon_import_text_writes_csv(capsys, tmp_path):
    source = tmp_path / "words.txt"
    source.write_text("赌博\n赌\n博彩\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    argv = [
        "lexicon",
        "import",
        str(source),
        "--code",
        "gambling",
        "--severity",
        "block",
        "-o",
        str(target),
    ]
    status, _, err = _run(capsys, argv)
    assert status == 0
    assert "skipped 1 single-character" in err
    assert target.read_text(encoding="utf-8").splitlines() == [
        "term,code,severity,options",
        "博彩,gambling,block,",
        "赌博,gambling,block,",
    ]


def test_lexicon_import_sensitive_word_with_tags(capsys, tmp_path):
    words = tmp_path / "dict.txt"
    words.write_text("冰毒\n赌博\n", encoding="utf-8")
    tags = tmp_path / "tags.txt"
    tags.write_text("冰毒 毒品\n", encoding="utf-8")
    argv = [
        "lexicon",
        "import",
        str(words),
        "--format",
        "sensitive-word",
        "--tags",
        str(tags),
        "--tag-code",
        "毒品=drugs",
    ]
    status, out, _ = _run(capsys, argv)
    assert status == 0
    assert "冰毒,drugs,review," in out
    assert "赌博,law.9,review," in out


def test_lexicon_export_text(capsys, tmp_path):
    source = tmp_path / "l.csv"
    source.write_text("赌博,gambling,block\n地铁口交易,porn,allow\n", encoding="utf-8")
    status, out, _ = _run(capsys, ["lexicon", "export", str(source), "--to", "text"])
    assert status == 0
    assert out == "赌博\n"


def test_lexicon_stats_reports_counts(capsys):
    from xinan.guard.engine import LEXICON_DIR

    status, out, _ = _run(capsys, ["lexicon", "stats", str(LEXICON_DIR / "porn.csv")])
    stats = json.loads(out)[0]
    assert status == 0
    assert stats["name"] == "porn"
    assert stats["by_severity"]["allow"] > 0


def test_eval_per_code_and_macro(capsys, tmp_path):
    rows = [
        {"text": "这里赌博", "labels": ["gambling"]},
        {"text": "网上赌博", "labels": ["gambling"]},
        {"text": "你好", "labels": []},
        {"text": "傻逼", "labels": []},
    ]
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    status, out, _ = _run(capsys, ["eval", "--no-model", str(path), "--json"])
    report = json.loads(out)
    assert status == 0
    assert report["classes"]["gambling"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "support": 2,
    }
    assert report["classes"]["clean"]["recall"] == 0.5
    assert report["classes"]["insult"]["precision"] == 0.0
    assert report["macro_f1"] == pytest.approx((1.0 + 2 / 3) / 2, abs=1e-4)


def test_eval_binary_flagged_vs_clean(capsys, tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(
        '{"text": "赌博", "labels": ["gambling"]}\n{"text": "你好", "labels": []}\n',
        encoding="utf-8",
    )
    status, out, _ = _run(capsys, ["eval", "--no-model", "--binary", str(path)])
    assert status == 0
    assert "flagged" in out
    assert "macro-F1 1.0000 over 2 rows" in out


def test_eval_bad_row_exits_2(capsys, tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"labels": []}\n', encoding="utf-8")
    status, _, err = _run(capsys, ["eval", "--no-model", str(path)])
    assert status == 2
    assert "e.jsonl:1" in err


def test_module_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "xinan.guard.cli", "check", "--no-model", "赌博"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["action"] == "block"


def test_eval_merge_counts_related_codes_as_the_label(capsys, tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"text": "我要弄死你", "labels": ["insult"]}\n', encoding="utf-8")
    argv = ["eval", "--no-model", "--json", str(path)]
    _, out, _ = _run(capsys, argv)
    assert json.loads(out)["classes"]["insult"]["recall"] == 0.0
    status, out, _ = _run(capsys, [*argv, "--merge", "insult=threat,hate"])
    report = json.loads(out)
    assert status == 0
    assert report["classes"]["insult"]["recall"] == 1.0
    assert report["merge"] == {"threat": "insult", "hate": "insult"}


def test_eval_bad_merge_exits_2(capsys, tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"text": "x", "labels": []}\n', encoding="utf-8")
    status, _, err = _run(capsys, ["eval", "--no-model", str(path), "--merge", "insult"])
    assert status == 2
    assert "--merge expects" in err
