"""``xinan guard``: check texts, manage lexicons, evaluate and benchmark the engine.

``xinan.cli`` dispatches ``xinan guard ...`` here; ``python -m xinan.guard.cli`` works too.
Exit status: 0 on success, 2 on bad input (a message on stderr), 1 on an unexpected error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from xinan.guard.context import Context
from xinan.guard.engine import Engine, TextTooLong, default_engine
from xinan.guard.lexicon import (
    Lexicon,
    LexiconError,
    dump_csv,
    dump_text,
    load,
    parse_csv,
    parse_sensitive_word,
    parse_text,
)
from xinan.guard.taxonomy import ALL_CODES

_JSONL_BATCH = 256


class UsageProblem(Exception):
    """Bad input from the user, reported as one line on stderr with status 2."""


def _write(stream: TextIO, text: str) -> None:
    # Lone surrogates in user text must not crash the writer.
    stream.write(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def _engine(args: argparse.Namespace) -> Engine:
    extra = [load(Path(p)) for p in args.lexicon]
    return default_engine(lexicons=extra, with_model=not args.no_model)


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    engine = _engine(args)
    context = Context(is_minor=args.minor, channel=args.channel)
    if not args.jsonl:
        text = args.text if args.text is not None else sys.stdin.read()
        _write(out, engine.check(text, context).dumps() + "\n")
        return 0
    show = err.isatty()
    done = 0
    batch: list[tuple[Any, str]] = []

    def flush() -> None:
        nonlocal done
        verdicts = engine.check_many([t for _, t in batch], context)
        for (ident, _), verdict in zip(batch, verdicts, strict=True):
            _write(out, json.dumps({"id": ident, **verdict.to_json()}, ensure_ascii=False) + "\n")
        done += len(batch)
        batch.clear()
        if show:
            err.write(f"\r{done} checked")
            err.flush()

    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            ident, text = row.get("id"), row["text"]
        except (ValueError, KeyError, AttributeError) as exc:
            raise UsageProblem(f"stdin line {number}: expected {{'id', 'text'}}: {exc}") from exc
        if not isinstance(text, str):
            raise UsageProblem(f"stdin line {number}: text must be a string")
        batch.append((ident, text))
        if len(batch) >= _JSONL_BATCH:
            flush()
    if batch:
        flush()
    if show:
        err.write("\n")
    return 0


def _read_lexicon(args: argparse.Namespace, err: TextIO) -> Lexicon:
    path = Path(args.source)
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"cannot read {path}: {exc}") from exc
    name = args.name or path.stem
    if args.format == "csv":
        return parse_csv(content, name=name, source=str(path))
    if args.format == "text":
        lexicon, skipped = parse_text(
            content, name=name, code=args.code, severity=args.severity, source=str(path)
        )
    else:
        tags = Path(args.tags).read_text(encoding="utf-8") if args.tags else ""
        tag_codes = dict(pair.split("=", 1) for pair in args.tag_code)
        lexicon, skipped = parse_sensitive_word(
            content,
            name=name,
            code=args.code,
            severity=args.severity,
            tags=tags,
            tag_codes=tag_codes,
        )
    if skipped:
        err.write(f"skipped {skipped} single-character term(s)\n")
    return lexicon


def _lexicon(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.action == "stats":
        stats = [load(Path(p)).stats() for p in args.paths]
        _write(out, json.dumps(stats, ensure_ascii=False, indent=2) + "\n")
        return 0
    lexicon = _read_lexicon(args, err)
    rendered = dump_text(lexicon) if args.to == "text" else dump_csv(lexicon)
    if args.output:
        Path(args.output).write_text(rendered, encoding="utf-8")
        err.write(f"wrote {len(lexicon.entries)} entries to {args.output}\n")
    else:
        _write(out, rendered)
    return 0


def _eval(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xinan.guard.eval import evaluate, parse_merge, read_rows, render  # only for eval

    merge = parse_merge(args.merge)
    report = evaluate(_engine(args), read_rows(Path(args.file)), binary=args.binary, merge=merge)
    _write(out, (json.dumps(report, indent=2) if args.json else render(report)) + "\n")
    return 0


def _bench(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from xinan.guard.bench import render, run  # only for bench

    report = run(quick=args.quick)
    _write(out, (json.dumps(report, indent=2) if args.json else render(report)) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``xinan guard`` argument parser."""
    parser = argparse.ArgumentParser(prog="xinan guard", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def engine_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--lexicon",
            action="append",
            default=[],
            metavar="PATH",
            help="an extra CSV lexicon (repeatable)",
        )
        p.add_argument("--no-model", action="store_true", help="skip the classifier")

    check = sub.add_parser("check", help="check one text (or JSONL on stdin)")
    engine_options(check)
    check.add_argument("--jsonl", action="store_true", help='read {"id","text"} lines on stdin')
    check.add_argument("--minor", action="store_true", help="the author is a minor (CON-5)")
    check.add_argument("--channel", default="default")
    check.add_argument("text", nargs="?", help="the text (default: stdin)")
    check.set_defaults(func=_check)

    lexicon = sub.add_parser("lexicon", help="import, export and inspect lexicons")
    actions = lexicon.add_subparsers(dest="action", required=True)
    for action, help_text in (
        ("import", "convert a text, CSV or sensitive-word list to xinan CSV"),
        ("export", "write a CSV lexicon as CSV or plain text"),
    ):
        p = actions.add_parser(action, help=help_text)
        p.add_argument("source")
        p.add_argument(
            "--format",
            choices=["csv", "text", "sensitive-word"],
            default="text" if action == "import" else "csv",
        )
        p.add_argument("--to", choices=["csv", "text"], default="csv")
        p.add_argument("--name")
        p.add_argument("--code", choices=sorted(ALL_CODES), default="law.9")
        p.add_argument("--severity", choices=["block", "review", "allow"], default="review")
        p.add_argument("--tags", help="sensitive-word tag file ('word tag1,tag2' lines)")
        p.add_argument("--tag-code", action="append", default=[], metavar="TAG=CODE")
        p.add_argument("-o", "--output")
        p.set_defaults(func=_lexicon)
    stats = actions.add_parser("stats", help="counts per code, severity and kind")
    stats.add_argument("paths", nargs="+")
    stats.set_defaults(func=_lexicon)

    evaluation = sub.add_parser("eval", help="precision, recall and F1 on labelled JSONL")
    engine_options(evaluation)
    evaluation.add_argument("file")
    evaluation.add_argument("--binary", action="store_true", help="flagged vs clean")
    evaluation.add_argument("--json", action="store_true")
    evaluation.add_argument(
        "--merge",
        action="append",
        default=[],
        metavar="CODE=CODE,...",
        help="count these predicted codes as the first (e.g. insult=hate,bullying,threat)",
    )
    evaluation.set_defaults(func=_eval)

    bench = sub.add_parser("bench", help="throughput against ahocorasick-rs and peers")
    bench.add_argument("--json", action="store_true")
    bench.add_argument("--quick", action="store_true", help="a small, fast smoke run")
    bench.set_defaults(func=_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``xinan guard`` with ``argv``; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.func(args, sys.stdout, sys.stderr)
    except (UsageProblem, LexiconError, TextTooLong, ValueError, OSError) as exc:
        sys.stderr.write(f"xinan guard: {exc}\n")
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
