"""Print the shipped classifier's own scores on the evaluation sets.

- COLD dev: binary macro-F1 (flagged = any code >= threshold). The shipped model was trained on
  COLD train + dev, so this figure is optimistic; the honest dev figure (model trained on COLD
  train only) is in the artefact's metadata and printed by ``scripts/train_classifier.py``.
- ChineseHarm-bench train80: six-class macro-F1 with per-class precision / recall / F1, for the
  whole file and its dev and held-out parts (evaluation only: its licence forbids training on
  it).
- ToxiCN train: binary macro-F1 (evaluation only).

Usage: .venv/bin/python scripts/eval_classifier.py [--data-dir ../shared/data] [--threshold 0.5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from xinan.guard.classifier import default_artefact_dir, load
from xinan.guard.classifier.datasets import (
    default_data_dir,
    read_cold,
    read_harm,
    read_toxicn,
    split_harm,
)
from xinan.guard.classifier.training import evaluate_binary, evaluate_harm

REPO_ROOT = Path(__file__).resolve().parent.parent


def _print_table(title: str, result: dict[str, Any]) -> None:
    print(f"{title}: macro-F1 {result['macro_f1']:.4f} ({result['rows']} rows)")
    print(f"  {'class':<10} {'P':>7} {'R':>7} {'F1':>7} {'n':>6}")
    for name, score in result["per_class"].items():
        print(
            f"  {name:<10} {score['precision']:>7.4f} {score['recall']:>7.4f}"
            f" {score['f1']:>7.4f} {score['support']:>6}"
        )


def main(argv: list[str] | None = None) -> int:
    """Evaluate and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(REPO_ROOT))
    parser.add_argument("--artefact", type=Path, default=default_artefact_dir())
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args(argv)
    classifier = load(args.artefact)
    print(f"classifier {classifier.version}, codes {', '.join(classifier.codes)}")
    print(f"threshold {args.threshold}")
    cold_dev = args.data_dir / "COLDataset" / "dev.csv"
    if cold_dev.is_file():
        _print_table(
            "COLD dev binary (shipped model, trained on train+dev)",
            evaluate_binary(classifier, read_cold(cold_dev), args.threshold),
        )
        honest = classifier.metadata.get("metrics", {})
        honest = honest.get("model_trained_on_cold_train_only_plus_examples", {})
        if "cold_dev_binary" in honest:
            print(
                "COLD dev binary, model trained on COLD train only (from metadata): "
                f"macro-F1 {honest['cold_dev_binary']['macro_f1']:.4f}"
            )
    harm = args.data_dir / "ChineseHarm-bench" / "bench_train80.json"
    if harm.is_file():
        rows = read_harm(harm)
        dev, heldout = split_harm(rows)
        for title, part in (("train80", rows), ("dev part", dev), ("held-out part", heldout)):
            _print_table(
                f"ChineseHarm-bench {title} six-class",
                evaluate_harm(classifier, part, args.threshold),
            )
    toxicn = args.data_dir / "ToxiCN" / "train.json"
    if toxicn.is_file():
        _print_table(
            "ToxiCN train binary",
            evaluate_binary(classifier, read_toxicn(toxicn), args.threshold),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
