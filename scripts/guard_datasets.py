"""Convert the shared data sets into the eval JSONL that ``xinan guard eval FILE`` reads.

Each output row is ``{"text": ..., "labels": [codes]}`` (an empty list is clean text). Files are
written outside the repository or under ``var/`` (git-ignored): dataset contents are never
committed. Written:

- ``cold_dev.jsonl``: COLD dev (offensive -> ``hate``);
- ``chineseharm_train80.jsonl``: ChineseHarm-bench train80 (博彩 gambling, 低俗色情 porn,
  谩骂引战 insult, 欺诈 fraud, 黑产广告 spam_ads, 不违规 clean);
- ``chineseharm-dev.jsonl`` and ``chineseharm-heldout.jsonl``: the same rows split by
  ``datasets.harm_part`` (sha256 of the text starts with 0-5: held-out, about 38%). Error
  analysis reads only the dev part; the held-out part is measured only to report;
- ``toxicn_train.jsonl``: ToxiCN train (toxic_type 2 -> ``hate``, other toxic -> ``insult``).

Usage: .venv/bin/python scripts/guard_datasets.py [--data-dir ../shared/data] [--out var/guard-eval]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xinan.guard.classifier.datasets import (
    default_data_dir,
    read_cold,
    read_harm,
    read_toxicn,
    split_harm,
    write_jsonl,
)

REPO_ROOT = Path(__file__).resolve().parent.parent


def _inside_repo_but_not_var(path: Path) -> bool:
    resolved = path.resolve()
    return resolved.is_relative_to(REPO_ROOT) and not resolved.is_relative_to(REPO_ROOT / "var")


def main(argv: list[str] | None = None) -> int:
    """Write the three JSONL files and print their row counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(REPO_ROOT))
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "var" / "guard-eval")
    args = parser.parse_args(argv)
    if _inside_repo_but_not_var(args.out):
        parser.error(
            "--out must be outside the repository or under var/ (dataset contents "
            "are never committed)"
        )
    jobs = [
        ("cold_dev.jsonl", read_cold, args.data_dir / "COLDataset" / "dev.csv"),
        (
            "chineseharm_train80.jsonl",
            read_harm,
            args.data_dir / "ChineseHarm-bench" / "bench_train80.json",
        ),
        ("toxicn_train.jsonl", read_toxicn, args.data_dir / "ToxiCN" / "train.json"),
    ]
    for name, reader, source in jobs:
        if not source.is_file():
            print(f"skipped {name}: {source} not found")
            continue
        examples = reader(source)
        rows = write_jsonl(args.out / name, examples)
        print(f"wrote {args.out / name} ({rows} rows)")
        if name == "chineseharm_train80.jsonl":
            dev, heldout = split_harm(examples)
            for part, part_rows in (("dev", dev), ("heldout", heldout)):
                path = args.out / f"chineseharm-{part}.jsonl"
                print(f"wrote {path} ({write_jsonl(path, part_rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
