"""Train the guard classifier and write the artefact shipped in the package.

Reproducible: fixed seed, deterministic solver, deterministic example generator, and an
artefact whose bytes (and sha256) depend only on the data and the settings.

Steps:
1. fit on COLD train + the xinan examples and measure COLD dev (binary macro-F1), and, when
   present, ChineseHarm-bench train80 (six classes; whole, dev part and held-out part, see
   ``datasets.harm_part``) and ToxiCN train (binary): evaluation only;
2. fit the shipped model on COLD train + dev + the xinan examples, measure it on
   ChineseHarm-bench and ToxiCN again, and write it with its metadata.

Usage: .venv/bin/python scripts/train_classifier.py [--data-dir ../shared/data] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from xinan.guard.classifier import Classifier, default_artefact_dir, model
from xinan.guard.classifier.corpus import xinan_examples
from xinan.guard.classifier.datasets import (
    Example,
    default_data_dir,
    examples_sha256,
    read_cold,
    read_harm,
    read_toxicn,
    split_harm,
)
from xinan.guard.classifier.training import (
    Settings,
    evaluate_binary,
    evaluate_harm,
    fit,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
VERSION = "1.1"


def evaluations(
    fitted_classifier: Classifier, data_dir: Path, cold_dev: list[Example] | None
) -> dict[str, Any]:
    """The figures for one fitted model on whichever evaluation sets are present."""
    figures: dict[str, Any] = {}
    if cold_dev is not None:
        figures["cold_dev_binary"] = evaluate_binary(fitted_classifier, cold_dev)
    harm = data_dir / "ChineseHarm-bench" / "bench_train80.json"
    if harm.is_file():
        rows = read_harm(harm)
        dev, heldout = split_harm(rows)
        figures["chineseharm_train80_six_class"] = evaluate_harm(fitted_classifier, rows)
        figures["chineseharm_dev_six_class"] = evaluate_harm(fitted_classifier, dev)
        figures["chineseharm_heldout_six_class"] = evaluate_harm(fitted_classifier, heldout)
    toxicn = data_dir / "ToxiCN" / "train.json"
    if toxicn.is_file():
        figures["toxicn_train_binary"] = evaluate_binary(fitted_classifier, read_toxicn(toxicn))
    return figures


def main(argv: list[str] | None = None) -> int:
    """Train, evaluate, write the artefact; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(REPO_ROOT))
    parser.add_argument("--out", type=Path, default=default_artefact_dir())
    parser.add_argument(
        "--cold-only", action="store_true", help="leave out the xinan examples (a baseline)"
    )
    args = parser.parse_args(argv)
    settings = Settings()
    cold_dir = args.data_dir / "COLDataset"
    cold_train = read_cold(cold_dir / "train.csv")
    cold_dev = read_cold(cold_dir / "dev.csv")
    examples = [] if args.cold_only else xinan_examples(settings.seed)
    weights_for = [1.0] * len(cold_train) + [settings.example_weight] * len(examples)

    started = time.perf_counter()
    dev_model = fit(cold_train + examples, settings, weights_for)
    dev_figures = evaluations(dev_model.classifier(), args.data_dir, cold_dev)
    extra = "" if args.cold_only else " + xinan examples"
    print(f"trained on COLD train{extra}:", _summary(dev_figures))

    shipped_rows = cold_train + cold_dev + examples
    weights = [1.0] * (len(cold_train) + len(cold_dev)) + [settings.example_weight] * len(examples)
    shipped = fit(shipped_rows, settings, weights)
    shipped_figures = evaluations(shipped.classifier(), args.data_dir, None)
    print(f"shipped (COLD train + dev{extra}):", _summary(shipped_figures))

    sources = [
        {
            "name": "COLDataset train.csv",
            "licence": "Apache-2.0",
            "rows": len(cold_train),
            "sha256": model.sha256_file(cold_dir / "train.csv"),
        },
        {
            "name": "COLDataset dev.csv",
            "licence": "Apache-2.0",
            "rows": len(cold_dev),
            "sha256": model.sha256_file(cold_dir / "dev.csv"),
        },
        {
            "name": "xinan examples (xinan.guard.classifier.corpus, written for xinan)",
            "licence": "Apache-2.0 (this project)",
            "rows": len(examples),
            "sha256": examples_sha256(examples),
        },
    ]
    data_hash = examples_sha256(shipped_rows)
    metadata = {
        "version": f"{VERSION}+{'cold' if args.cold_only else 'xinan'}.{data_hash[:12]}",
        "codes": list(settings.codes),
        "orders": list(settings.orders),
        "settings": settings.as_dict(),
        "training_data": {
            "sha256": data_hash,
            "rows": len(shipped_rows),
            "description": (
                "COLDataset train+dev (offensive -> hate, insult) and examples written for xinan; "
                "sha256 over one 'text<TAB>labels' line per row, in training order"
            ),
            "sources": sources,
        },
        "metrics": {
            "model_trained_on_cold_train_only_plus_examples": dev_figures,
            "shipped_model": shipped_figures,
        },
    }
    npz = model.save(
        args.out,
        vocab=shipped.vocab,
        idf=shipped.idf,
        coef=shipped.coef,
        intercept=shipped.intercept,
        metadata=metadata,
    )
    elapsed = time.perf_counter() - started
    print(f"wrote {npz} ({npz.stat().st_size / 1e6:.2f} MB) version {metadata['version']}")
    print(f"training took {elapsed:.1f} s")
    return 0


def _summary(figures: dict[str, Any]) -> str:
    return ", ".join(f"{name} {value['macro_f1']:.4f}" for name, value in figures.items())


if __name__ == "__main__":
    sys.exit(main())
