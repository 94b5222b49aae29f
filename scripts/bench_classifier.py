"""Speed of the shipped classifier against scikit-learn's own TF-IDF + LR pipeline, one run.

Workload: 120-character texts cut from COLD dev (or generated xinan examples when the data is
absent). Both run single-threaded in this process. The sklearn pipeline is char 1-3-gram
TF-IDF + logistic regression fitted here on COLD train (or the examples); it scores one code
while ours scores all of its codes, so the comparison is conservative for ours.

Usage: .venv/bin/python scripts/bench_classifier.py [--texts 20000] [--single 2000]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from xinan.guard.classifier import load_default
from xinan.guard.classifier.corpus import xinan_examples
from xinan.guard.classifier.datasets import Example, default_data_dir, read_cold

REPO_ROOT = Path(__file__).resolve().parent.parent
TEXT_CHARS = 120


def workload(examples: Sequence[Example], count: int) -> list[str]:
    """``count`` texts of exactly 120 characters, made by joining consecutive examples."""
    stream = "。".join(example.text for example in examples)
    texts: list[str] = []
    position = 0
    while len(texts) < count:
        if position + TEXT_CHARS > len(stream):
            position = 0
        texts.append(stream[position : position + TEXT_CHARS])
        position += TEXT_CHARS
    return texts


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings, in seconds."""
    timings = []
    for _ in range(runs):
        started = time.process_time()
        action()
        timings.append(time.process_time() - started)
    return min(timings)


def main(argv: list[str] | None = None) -> int:
    """Time both, print texts/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(REPO_ROOT))
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=2_000)
    args = parser.parse_args(argv)

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    cold_dir = args.data_dir / "COLDataset"
    if (cold_dir / "train.csv").is_file():
        train = read_cold(cold_dir / "train.csv")
        source = read_cold(cold_dir / "dev.csv")
    else:
        train = source = xinan_examples(1)
    texts = workload(source, args.texts)
    singles = texts[: args.single]

    classifier = load_default()
    pipeline = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True),
        LogisticRegression(C=8.0, solver="liblinear"),
    )
    pipeline.fit([e.text for e in train], [1 if e.labels else 0 for e in train])

    ours_batch = best_of(3, lambda: classifier.score_many(texts))
    theirs_batch = best_of(3, lambda: pipeline.predict_proba(texts))
    ours_single = best_of(3, lambda: [classifier.score(text) for text in singles])
    theirs_single = best_of(3, lambda: [pipeline.predict_proba([text]) for text in singles])

    print(
        f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}; single-threaded"
    )
    print(
        f"workload: {len(texts)} texts of {TEXT_CHARS} characters; "
        f"classifier {classifier.version} ({len(classifier.codes)} codes)"
    )
    n, m = len(texts), len(singles)
    print(f"batch  xinan score_many        {n / ours_batch:>10,.0f} texts/s")
    print(f"batch  sklearn tfidf+LR        {n / theirs_batch:>10,.0f} texts/s")
    print(f"batch  ratio                   {theirs_batch / ours_batch:>10.1f}x")
    print(
        f"single xinan score()           {ours_single / m * 1e6:>10.1f} us/text"
        f"  ({m / ours_single:,.0f} texts/s)"
    )
    print(
        f"single sklearn predict_proba   {theirs_single / m * 1e6:>10.1f} us/text"
        f"  ({m / theirs_single:,.0f} texts/s)"
    )
    print(f"single ratio                   {theirs_single / ours_single:>10.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
