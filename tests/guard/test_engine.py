"""The engine: verdicts, thresholds, determinism, hot reload and bad input."""

from __future__ import annotations

import json
import threading
import time

import pytest

from xinan.guard import Context, Engine, Finding, TextTooLong, Thresholds
from xinan.guard.engine import CLASSIFIER_WINDOW, default_engine
from xinan.guard.lexicon import Entry, LexiconError, parse_csv

LEXICON = parse_csv("赌博,gambling,block\n博彩,gambling,review\n傻瓜,insult,review\n", name="base")


class FakeClassifier:
    """Scores 'insult' by the share of 坏 in a text; records what it was asked."""

    version = "fake-1"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def score_many(self, texts):
        self.calls.append(list(texts))
        return [{"insult": min(1.0, t.count("坏") / 5), "porn": 0.0} for t in texts]


def _phone(text: str, context: Context) -> list[Finding]:
    at = text.find("13800138000")
    if at < 0:
        return []
    return [Finding("phone", "doxxing", at, at + 11, text[at : at + 11], "phone.cn", 0.6)]


def _engine(**kwargs) -> Engine:
    return Engine([LEXICON], **kwargs)


def test_check_clean_text_passes_with_versions():
    verdict = _engine().check("今天天气很好")
    assert verdict.to_json() == {
        "action": "pass",
        "score": 0.0,
        "codes": [],
        "findings": [],
        "versions": {"engine": "1.1.0", "lexicon:base": LEXICON.version},
    }


def test_check_block_term_blocks_with_finding():
    verdict = _engine().check("他在赌博")
    assert verdict.action == "block"
    assert verdict.score == 1.0
    assert verdict.codes == ("gambling",)
    assert verdict.to_json()["findings"] == [
        {
            "detector": "lexicon:base",
            "code": "gambling",
            "start": 2,
            "end": 4,
            "text": "赌博",
            "term": "赌博",
            "score": 1.0,
        }
    ]


def test_check_review_term_reviews_for_adult_blocks_for_minor():
    engine = _engine()
    assert engine.check("网上博彩").action == "review"
    assert engine.check("网上博彩", Context(is_minor=True)).action == "block"


def test_check_tenant_thresholds_change_action():
    context = Context(thresholds={"gambling": Thresholds(review=0.8, block=0.95)})
    assert _engine().check("网上博彩", context).action == "pass"


def test_check_codes_ordered_by_descending_score():
    verdict = _engine(detectors={"phone": _phone}).check("傻瓜打13800138000赌博")
    assert verdict.codes == ("gambling", "insult", "doxxing")


def test_check_detector_findings_included_with_original_offsets():
    verdict = _engine(detectors={"phone": _phone}).check("电话13800138000")
    assert [(f.detector, f.start, f.end) for f in verdict.findings] == [("phone", 2, 13)]
    assert verdict.versions["detectors"] == "custom"


def test_check_classifier_scores_become_findings_above_review():
    classifier = FakeClassifier()
    engine = _engine(classifier=classifier)
    assert engine.check("坏").action == "pass"
    verdict = engine.check("坏坏坏坏坏")
    assert verdict.action == "block"
    assert verdict.findings[0].detector == "classifier"
    assert verdict.findings[0].term == "model:fake-1"
    assert verdict.versions["model"] == "fake-1"


def test_check_many_scores_batch_in_one_classifier_call():
    classifier = FakeClassifier()
    verdicts = _engine(classifier=classifier).check_many(["赌博", "", "坏坏坏"])
    assert [v.action for v in verdicts] == ["block", "pass", "review"]
    assert classifier.calls == [["赌博", "坏坏坏"]]


def test_check_long_text_classified_in_windows_keeps_the_worst():
    classifier = FakeClassifier()
    text = "好" * (CLASSIFIER_WINDOW * 3) + "坏坏坏坏坏"
    verdict = _engine(classifier=classifier).check(text)
    assert verdict.action == "block"
    assert max(len(t) for t in classifier.calls[0]) == CLASSIFIER_WINDOW
    assert verdict.findings[0].start == CLASSIFIER_WINDOW * 3


def test_check_same_input_same_verdict():
    engine = _engine(detectors={"phone": _phone}, classifier=FakeClassifier())
    text = "傻瓜 赌博 13800138000 坏坏坏"
    assert engine.check(text).dumps() == engine.check(text).dumps()


def test_check_not_a_string_raises_type_error():
    with pytest.raises(TypeError, match="must be str"):
        _engine().check(b"bytes")  # type: ignore[arg-type]


def test_check_over_cap_raises_text_too_long():
    with pytest.raises(TextTooLong, match="exceeds the cap of 10"):
        Engine([LEXICON], max_chars=10).check("x" * 11)


@pytest.mark.parametrize("text", ["", " ", "\n\t\u3000", "\x00", "\x00赌\x00博\x00"])
def test_check_empty_whitespace_and_nul_gives_verdict(text):
    verdict = _engine(classifier=FakeClassifier()).check(text)
    assert verdict.action in {"pass", "block"}
    json.dumps(verdict.to_json())


def test_check_lone_surrogates_give_verdict_with_original_slices():
    text = "\ud800赌\udfff博\ud83d"
    verdict = _engine(detectors={"phone": _phone}, classifier=FakeClassifier()).check(text)
    assert verdict.action == "block"
    assert verdict.findings[0].text == "赌\udfff博"
    json.dumps(verdict.to_json())  # ensure_ascii escapes them


def test_check_mixed_scripts_gives_verdict():
    text = "Привет мир ٱلسلام 赌博 שלום 🎲 ｆｕｌｌ"
    assert _engine().check(text).codes == ("gambling",)


def test_check_ten_megabytes_linear_and_correct():
    engine = _engine()
    text = ("正常的评论内容，没有问题。" * 800_000)[: 10 * 1024 * 1024 // 3] + "赌博"
    start = time.perf_counter()
    verdict = engine.check(text)
    elapsed = time.perf_counter() - start
    assert verdict.action == "block"
    assert verdict.findings[-1].text == "赌博"
    assert elapsed < 120  # a hang guard, not a timing assertion


def test_set_lexicon_replaces_and_versions_follow():
    engine = _engine()
    engine.set_lexicon(parse_csv("博彩,gambling,block\n", name="base"))
    assert engine.check("赌博").action == "pass"
    assert engine.check("博彩").action == "block"


def test_add_entries_and_remove_terms_take_effect():
    engine = _engine()
    engine.add_entries("extra", [Entry("洗钱", "fraud", "block")])
    assert engine.check("帮忙洗钱").action == "block"
    engine.remove_terms("extra", ["洗钱"])
    assert engine.check("帮忙洗钱").action == "pass"


def test_reload_malformed_file_keeps_old_lexicon(tmp_path):
    engine = _engine()
    bad = tmp_path / "base.csv"
    bad.write_text("赌博,gambling,block\n博彩,gambling,sometimes\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"base\.csv:2: severity"):
        engine.reload(bad)
    assert engine.check("博彩").action == "review"
    assert engine.versions["lexicon:base"] == LEXICON.version


def test_reload_while_reading_never_blocks_or_mixes_states():
    engine = _engine()
    stop = threading.Event()
    seen: set[str] = set()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            while not stop.is_set():
                seen.add(engine.check("赌博").action)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    for severity in ("review", "block") * 10:
        engine.set_lexicon(parse_csv(f"赌博,gambling,{severity}\n", name="base"))
    stop.set()
    thread.join()
    assert errors == []
    assert seen <= {"review", "block"}


def test_engine_duplicate_lexicon_names_raise():
    with pytest.raises(LexiconError, match="same name"):
        Engine([LEXICON, LEXICON])


def test_default_engine_uses_shipped_lexicons_detectors_and_model():
    engine = default_engine()
    versions = engine.versions
    assert "lexicon:gambling" in versions
    assert "detectors" in versions
    assert "model" in versions
    assert engine.check("加我微信 13800138000 一起赌博").action == "block"
