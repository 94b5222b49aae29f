"""The shipped classifier: loading, scores, determinism, metadata and size."""

from __future__ import annotations

import hashlib
import json
import math

import pytest

from xinan.guard.classifier import ArtefactError, default_artefact_dir, load, load_default
from xinan.guard.classifier.corpus import xinan_examples
from xinan.guard.classifier.datasets import examples_sha256
from xinan.guard.taxonomy import ALL_CODES

MAX_ARTEFACT_BYTES = 20 * 1024 * 1024
GREETINGS = ["早上好，今天天气真不错", "谢谢你的帮助，祝你生日快乐", "周末一起去爬山吧"]
INSULTS = ["你就是个傻逼，赶紧滚", "nmsl，脑残东西", "你这种废物就该去死"]


@pytest.fixture(scope="module")
def classifier():
    return load_default()


def test_load_default_is_cached_and_knows_taxonomy_codes(classifier):
    assert load_default() is classifier
    assert classifier.version
    assert classifier.codes
    assert set(classifier.codes) <= ALL_CODES
    assert {"insult", "gambling", "porn", "fraud", "spam_ads"} <= set(classifier.codes)


def test_scores_are_probabilities_for_every_code(classifier):
    texts = ["", "   ", "你好", "a" * 5000, "\x00\ud800混合 mixed ① 𝐀", *INSULTS]
    for scores in classifier.score_many(texts):
        assert set(scores) == set(classifier.codes)
        for value in scores.values():
            assert isinstance(value, float)
            assert 0.0 <= value <= 1.0
            assert not math.isnan(value)


def test_scores_are_deterministic(classifier):
    texts = GREETINGS + INSULTS
    assert classifier.score_many(texts) == classifier.score_many(texts)
    assert load(default_artefact_dir()).score_many(texts) == classifier.score_many(texts)


def test_score_and_score_many_agree(classifier):
    texts = GREETINGS + INSULTS + ["加微信领彩金，百家乐稳赢"]
    batch = classifier.score_many(texts)
    for text, scores in zip(texts, batch, strict=True):
        single = classifier.score(text)
        assert single.keys() == scores.keys()
        for code in single:
            assert single[code] == pytest.approx(scores[code], abs=1e-9)


def test_batch_order_does_not_change_a_text_score(classifier):
    texts = GREETINGS + INSULTS
    forward = classifier.score_many(texts)
    backward = classifier.score_many(texts[::-1])[::-1]
    for left, right in zip(forward, backward, strict=True):
        for code in left:
            assert left[code] == pytest.approx(right[code], abs=1e-9)


def test_insults_score_higher_than_greetings(classifier):
    def abuse(text: str) -> float:
        scores = classifier.score(text)
        return max(scores["insult"], scores.get("hate", 0.0))

    lowest_insult = min(abuse(text) for text in INSULTS)
    highest_greeting = max(abuse(text) for text in GREETINGS)
    assert lowest_insult > highest_greeting
    assert lowest_insult > 0.5
    assert highest_greeting < 0.5


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("百家乐真人视讯，首存送彩金，下分秒到，加V详聊", "gambling"),
        ("同城上门服务，学生妹包夜，加微信看照片", "porn"),
        ("手机刷单兼职，一单返佣50元，先垫付后返还", "fraud"),
        ("代开增值税发票，可验真，量大从优", "spam_ads"),
    ],
)
def test_obvious_spam_gets_its_code(classifier, text, code):
    scores = classifier.score(text)
    assert max(scores, key=scores.__getitem__) == code
    assert scores[code] > 0.5


def test_metadata_hashes_match():
    directory = default_artefact_dir()
    metadata = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256((directory / "model.npz").read_bytes()).hexdigest()
    assert metadata["model_sha256"] == digest
    assert len(metadata["training_data"]["sha256"]) == 64
    assert metadata["training_data"]["description"]
    assert metadata["metrics"]
    # The xinan examples are regenerated from the seed and must hash to what was trained on.
    examples_source = next(
        source for source in metadata["training_data"]["sources"] if "xinan" in source["name"]
    )
    examples = xinan_examples(metadata["settings"]["seed"])
    assert examples_source["rows"] == len(examples)
    assert examples_source["sha256"] == examples_sha256(examples)


def test_tampered_artefact_is_refused(tmp_path):
    for name in ("model.npz", "model.json"):
        (tmp_path / name).write_bytes((default_artefact_dir() / name).read_bytes())
    with (tmp_path / "model.npz").open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ArtefactError, match="sha256"):
        load(tmp_path)


def test_artefact_is_small():
    size = sum(path.stat().st_size for path in default_artefact_dir().iterdir())
    assert size < MAX_ARTEFACT_BYTES
