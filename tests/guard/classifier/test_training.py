"""Training on a tiny sample written for xinan exercises the whole training path."""

from __future__ import annotations

import numpy as np
import pytest

from xinan.guard.classifier import load
from xinan.guard.classifier.datasets import Example, examples_sha256
from xinan.guard.classifier.features import prepare
from xinan.guard.classifier.model import save
from xinan.guard.classifier.training import Settings, design_matrix, fit

SAMPLE = [
    Example("你就是个傻逼", ("insult",)),
    Example("傻逼滚出去", ("insult",)),
    Example("脑残东西，滚", ("insult",)),
    Example("你这个傻逼脑残", ("insult",)),
    Example("首存送彩金，百家乐", ("gambling",)),
    Example("百家乐下分秒到", ("gambling",)),
    Example("彩金天天送，百家乐", ("gambling",)),
    Example("今天天气很好", ()),
    Example("谢谢你的帮助", ()),
    Example("今天一起吃饭吧", ()),
    Example("天气很好，出去走走", ()),
    Example("谢谢大家，明天见", ()),
]
SETTINGS = Settings(min_df=1, codes=("insult", "gambling"), balanced=("gambling",))


@pytest.fixture(scope="module")
def fitted():
    return fit(SAMPLE, SETTINGS)


def test_training_writes_a_loadable_artefact(tmp_path, fitted):
    save(
        tmp_path,
        vocab=fitted.vocab,
        idf=fitted.idf,
        coef=fitted.coef,
        intercept=fitted.intercept,
        metadata={
            "version": "test",
            "codes": list(SETTINGS.codes),
            "orders": list(SETTINGS.orders),
            "training_data": {"sha256": examples_sha256(SAMPLE)},
        },
    )
    classifier = load(tmp_path)
    assert classifier.codes == ("insult", "gambling")
    insult = classifier.score("你个傻逼")
    clean = classifier.score("天气很好")
    assert insult["insult"] > clean["insult"]
    assert classifier.score("百家乐彩金")["gambling"] > clean["gambling"]


def test_training_is_reproducible_to_the_byte(tmp_path, fitted):
    again = fit(SAMPLE, SETTINGS)
    for name in ("vocab", "idf", "coef", "intercept"):
        assert np.array_equal(getattr(fitted, name), getattr(again, name))
    paths = []
    for run, model in enumerate((fitted, again)):
        directory = tmp_path / str(run)
        save(
            directory,
            vocab=model.vocab,
            idf=model.idf,
            coef=model.coef,
            intercept=model.intercept,
            metadata={"version": "test", "codes": list(SETTINGS.codes), "orders": [1, 2, 3]},
        )
        paths.append(directory / "model.npz")
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_run_time_scores_equal_the_fitted_linear_model(fitted):
    """The numpy scorer computes exactly sigmoid(X @ coef + intercept) of the training matrix."""
    texts = [example.text for example in SAMPLE] + ["完全没见过的句子"]
    matrix = design_matrix(texts, fitted.vocab, fitted.idf, (1, 2, 3))
    expected = 1.0 / (1.0 + np.exp(-(matrix @ fitted.coef + fitted.intercept)))
    got = fitted.classifier().probabilities(texts)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_prepare_folds_width_case_digits_and_space():
    assert prepare("ＡＢＣ  ４５６\t加Ｖ") == "abc 000 加v"
    assert prepare("\x00") == ""
