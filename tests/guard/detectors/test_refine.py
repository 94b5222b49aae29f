"""Hand-offs and delivery links take the advert's code once the whole text is judged."""

from __future__ import annotations

from xinan.guard import Context, Engine
from xinan.guard.detectors import DETECTORS, links, refine
from xinan.guard.findings import Finding
from xinan.guard.lexicon import Entry, Lexicon


def _f(detector: str, code: str, term: str = "t", score: float = 0.7) -> Finding:
    return Finding(detector, code, 0, 1, "x", term, score)


def test_contact_and_delivery_link_take_the_strongest_advert_code() -> None:
    found = [
        _f("classifier", "porn", score=0.6),
        _f("lexicon:gambling", "gambling", score=1.0),
        _f("contacts", "spam_ads"),
        _f("links", "malicious_link", term=links.THROWAWAY),
    ]
    assert [f.code for f in refine(found)] == ["porn", "gambling", "gambling", "gambling"]


def test_phishing_link_keeps_its_code() -> None:
    found = [_f("classifier", "fraud"), _f("links", "malicious_link", term=links.LOOKALIKE)]
    assert [f.code for f in refine(found)] == ["fraud", "malicious_link"]


def test_without_an_advert_subject_nothing_changes() -> None:
    found = [_f("classifier", "insult"), _f("contacts", "spam_ads")]
    assert refine(found) is found


def test_engine_refines_after_the_lexicons_named_the_subject() -> None:
    # A term no advert word list knows, so only the lexicon names the subject.
    lexicon = Lexicon("test", (Entry("蓝鲸娱乐场", "gambling", "review"),))
    engine = Engine([lexicon], detectors=DETECTORS, refine=refine)
    verdict = engine.check("蓝鲸娱乐场欢迎你，加微信 abc12345 了解", Context())
    contact = next(f for f in verdict.findings if f.detector == "contacts")
    assert contact.code == "gambling"
    assert verdict.codes[0] == "gambling"
    plain = Engine([lexicon], detectors=DETECTORS).check("加微信 abc12345 了解", Context())
    assert [f.code for f in plain.findings if f.detector == "contacts"] == ["spam_ads"]
