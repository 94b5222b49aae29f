"""Per-call lexicons (a tenant's terms) passed in ``Context.lexicons``."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinan.guard import (
    ENGINE_VERSION,
    CompiledLexicon,
    Context,
    Engine,
    LexiconError,
    compile_lexicon,
)
from xinan.guard.lexicon import parse_csv

BASE = parse_csv("赌博,gambling,block\n", name="base")
TENANT_CSV = "term,code,severity,options\n代练,spam_ads,review\n代练通,spam_ads,allow\n"


def test_compile_lexicon_from_csv_names_and_versions() -> None:
    compiled = compile_lexicon(TENANT_CSV, name="tenant:7", version="v12")
    assert isinstance(compiled, CompiledLexicon)
    assert compiled.name == "tenant:7"
    assert compiled.version == "v12"
    assert [f.term for f in compiled.find("找人代练")] == ["代练"]


def test_compile_lexicon_version_defaults_to_content_hash() -> None:
    compiled = compile_lexicon(TENANT_CSV, name="tenant:7")
    assert compiled.version == parse_csv(TENANT_CSV, name="tenant:7").version


def test_compile_lexicon_accepts_a_lexicon_and_checks_the_name() -> None:
    lexicon = parse_csv(TENANT_CSV, name="tenant:t")
    assert compile_lexicon(lexicon).lexicon is lexicon
    with pytest.raises(LexiconError):
        compile_lexicon(lexicon, name="tenant:other")


def test_compile_lexicon_bad_csv_names_the_line() -> None:
    with pytest.raises(LexiconError, match="tenant:7:2"):
        compile_lexicon("代练,spam_ads,review\n代练,nosuchcode,block\n", name="tenant:7")
    with pytest.raises(LexiconError):
        compile_lexicon(TENANT_CSV)  # no name


def test_context_lexicons_add_findings_and_versions() -> None:
    engine = Engine([BASE])
    compiled = compile_lexicon(TENANT_CSV, name="tenant:7", version="v12")
    verdict = engine.check("赌博还找人代练", Context(lexicons=(compiled,)))
    assert [(f.detector, f.term, f.start, f.end) for f in verdict.findings] == [
        ("lexicon:base", "赌博", 0, 2),
        ("lexicon:tenant:7", "代练", 5, 7),
    ]
    assert verdict.versions == {
        "engine": ENGINE_VERSION,
        "lexicon:base": BASE.version,
        "lexicon:tenant:7": "v12",
    }
    # Without the context lexicon the tenant's term is not found, and the engine is unchanged.
    plain = engine.check("赌博还找人代练")
    assert [f.term for f in plain.findings] == ["赌博"]
    assert "lexicon:tenant:7" not in plain.versions
    assert "lexicon:tenant:7" not in engine.versions


def test_context_lexicon_whitelist_cancels_its_own_hits() -> None:
    engine = Engine([BASE])
    compiled = compile_lexicon(TENANT_CSV, name="tenant:7")
    verdict = engine.check("代练通上线", Context(lexicons=(compiled,)))
    assert verdict.action == "pass"
    assert verdict.findings == ()


def test_context_lexicons_in_check_many_and_with_clean_texts() -> None:
    engine = Engine([BASE])
    compiled = compile_lexicon(TENANT_CSV, name="tenant:7")
    verdicts = engine.check_many(["", "代练", "天气好"], Context(lexicons=(compiled,)))
    assert [v.action for v in verdicts] == ["pass", "review", "pass"]
    assert all(v.versions["lexicon:tenant:7"] == compiled.version for v in verdicts)


def test_per_call_and_engine_lexicon_names_cannot_clash() -> None:
    # Per-call lexicons are named tenant:..., engine lexicons never are.
    with pytest.raises(LexiconError, match="must start with 'tenant:'"):
        compile_lexicon("代练,spam_ads,review\n", name="base")
    with pytest.raises(LexiconError, match="must not start with 'tenant:'"):
        Engine([parse_csv("代练,spam_ads,review\n", name="tenant:7")])
    twice = compile_lexicon("代练,spam_ads,review\n", name="tenant:t")
    with pytest.raises(LexiconError, match="same name"):
        Engine([BASE]).check("代练", Context(lexicons=(twice, twice)))


def test_hot_reload_under_a_tenant_lexicons_name_leaves_its_checks_working(
    tmp_path: Path,
) -> None:
    engine = Engine([BASE])
    compiled = compile_lexicon(TENANT_CSV, name="tenant:7", version="v12")
    context = Context(lexicons=(compiled,))
    clash = parse_csv("天气,spam_ads,block\n", name="tenant:7")
    with pytest.raises(LexiconError, match="tenant:7"):
        engine.set_lexicon(clash)
    with pytest.raises(LexiconError):
        engine.add_entries("tenant:7", clash.entries)
    path = tmp_path / "tenant:7.csv"
    path.write_text("天气,spam_ads,block\n", encoding="utf-8")
    with pytest.raises(LexiconError):
        engine.reload(path)
    assert [lx.name for lx in engine.lexicons] == ["base"]
    verdict = engine.check("天气好，找人代练", context)
    assert [(f.detector, f.term) for f in verdict.findings] == [("lexicon:tenant:7", "代练")]
    assert verdict.versions["lexicon:tenant:7"] == "v12"


def test_context_lexicon_uses_its_normalisation_and_pinyin() -> None:
    compiled = compile_lexicon(
        "#! normalise -collapse\n菠菜,gambling,review,pinyin\n", name="tenant:t"
    )
    verdict = Engine([BASE]).check("来玩bocai", Context(lexicons=(compiled,)))
    assert [f.term for f in verdict.findings] == ["菠菜"]
