"""``xinan guard bench``: the engine's throughput beside the Python matchers it competes with.

One run on one core prints texts/s and MB/s (UTF-8) for:

- (a) ahocorasick-rs over the raw text, no normalisation: the floor;
- (b) pyahocorasick and flashtext, the common Python peers (skipped if not installed);
- (c) the engine's lexicon path with full normalisation (:meth:`Engine.lexicon_findings`);
- (d) the full verdict, every detector and the classifier, through :meth:`Engine.check_many`;

on a sparse workload (at least 90% of texts clean) and a dense one (most texts hit), plus
build time and memory for a 60k and a 1M-term lexicon. The workload is generated from a fixed
seed: CJK characters with Zipf-like frequencies, 2-6 character terms, 120-character texts with
some punctuation. Nothing is downloaded and no data file ships.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import platform
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ahocorasick_rs

from xinan.guard.engine import Engine, default_engine
from xinan.guard.lexicon import Entry, Lexicon
from xinan.guard.lexicon.matcher import CompiledGroup
from xinan.guard.normalise import NormaliseOptions, normaliser

SEED = 20260423
TEXT_LENGTH = 120
PUNCTUATION = "，。！？、 "
# Texts draw on 3,000 "common" characters, sparse terms continue with 3,000 "rare" ones.
# Only characters that normalisation leaves alone (simplified ones), so raw and normalised
# matching see the same hits.
_POOL = [
    c for c in (chr(0x4E00 + (i * 7919) % 20902) for i in range(9000)) if normaliser().fold(c) == c
][:6000]
_COMMON, _RARE = _POOL[:3000], _POOL[3000:]
_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) ** 0.9 for rank in range(len(_COMMON))))


class Workload:
    """A seeded lexicon and text set; ``dense`` terms are built from the texts' characters."""

    def __init__(self, terms: int, texts: int, *, dense: bool, seed: int = SEED) -> None:
        rng = random.Random(seed + (1 if dense else 0))  # noqa: S311  # reproducible data, not secrets

        def common() -> str:
            return _COMMON[bisect.bisect(_WEIGHTS, rng.random() * _WEIGHTS[-1])]

        chosen: dict[str, None] = {}
        while len(chosen) < terms:
            length = rng.randint(2, 6)
            rest = [common() if dense else rng.choice(_RARE) for _ in range(length - 1)]
            term = common() + "".join(rest)
            if not any(a == b == c for a, b, c in zip(term, term[1:], term[2:], strict=False)):
                chosen[term] = None
        self.terms = list(chosen)
        self.texts = []
        for _ in range(texts):
            chars = [
                rng.choice(PUNCTUATION) if rng.random() < 0.08 else common()
                for _ in range(TEXT_LENGTH)
            ]
            if not dense and rng.random() < 0.05:  # plant a hit in 5%
                term = rng.choice(self.terms)
                at = rng.randrange(TEXT_LENGTH - len(term))
                chars[at : at + len(term)] = list(term)
            self.texts.append("".join(chars))
        self.megabytes = sum(len(t.encode()) for t in self.texts) / 1e6

    def lexicon(self, name: str = "bench") -> Lexicon:
        """The terms as an engine lexicon (severity review, code spam_ads)."""
        entries = tuple(Entry(t, "spam_ads", "review") for t in self.terms)
        return Lexicon(name, entries)


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        import resource  # fallback off Linux: peak, not current

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return pages * 4096 / 1e6


# Rounds per path: every path is timed once per round, the paths taking turns, and its best
# round counts. On a shared machine, load that comes and goes then weighs on every path alike,
# so the ratios within one run hold even when the absolute rates move.
ROUNDS = 5


def _rates(
    texts: Sequence[str], megabytes: float, runs: dict[str, Callable[[], object]]
) -> dict[str, dict[str, float]]:
    for run in runs.values():
        run()  # warm caches and lazily built tables outside the timing
    best = dict.fromkeys(runs, float("inf"))
    # CPU time of this process: the figure per core, unmoved by other load on the machine.
    for _ in range(ROUNDS):
        for name, run in runs.items():
            start = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - start)
    return {
        name: {
            "texts_per_s": round(len(texts) / seconds),
            "mb_per_s": round(megabytes / seconds, 2),
            "seconds": round(seconds, 4),
        }
        for name, seconds in best.items()
    }


def _peers(terms: list[str]) -> dict[str, Callable[[str], object]]:
    peers: dict[str, Callable[[str], object]] = {}
    try:
        import ahocorasick  # optional peer (dev dependency)

        automaton = ahocorasick.Automaton()
        for index, term in enumerate(terms):
            automaton.add_word(term, index)
        automaton.make_automaton()
        peers["pyahocorasick"] = lambda text: list(automaton.iter(text))
    except ImportError:
        pass
    try:
        from flashtext import KeywordProcessor  # optional peer (dev dependency)

        processor = KeywordProcessor()
        for term in terms:
            processor.add_keyword(term)
        peers["flashtext"] = processor.extract_keywords
    except ImportError:
        pass
    return peers


def _throughput(workload: Workload, full: Engine | None) -> dict[str, Any]:
    texts, mb = workload.texts, workload.megabytes
    raw = ahocorasick_rs.AhoCorasick(workload.terms)
    engine = Engine([workload.lexicon()])
    results: dict[str, Any] = {
        "texts": len(texts),
        "clean_fraction": round(
            sum(1 for t in texts if not raw.find_matches_as_indexes(t)) / len(texts), 3
        ),
    }
    runs: dict[str, Callable[[], object]] = {
        "a_ahocorasick_rs_raw": lambda: [raw.find_matches_as_indexes(t) for t in texts]
    }
    for name, find in _peers(workload.terms).items():
        runs[f"b_{name}"] = lambda find=find: [find(t) for t in texts]  # type: ignore[misc]
    runs["c_engine_lexicon"] = lambda: [engine.lexicon_findings(t) for t in texts]
    if full is not None:
        full.set_lexicon(workload.lexicon())
        batches = [texts[i : i + 256] for i in range(0, len(texts), 256)]
        runs["d_engine_check_many"] = lambda: [full.check_many(b) for b in batches]
    results.update(_rates(texts, mb, runs))
    if full is not None:
        full.remove_lexicon("bench")
    floor = results["a_ahocorasick_rs_raw"]["seconds"]
    results["c_over_a_time"] = round(results["c_engine_lexicon"]["seconds"] / floor, 2)
    return results


def _build(terms: int) -> dict[str, float]:
    workload = Workload(terms, 0, dense=False)
    lexicon = workload.lexicon()
    normaliser().fold("预热")  # the folding table is shared, built once per process
    gc.collect()
    before = _rss_mb()
    start = time.process_time()
    raw = ahocorasick_rs.AhoCorasick(workload.terms)
    raw_seconds = time.process_time() - start
    gc.collect()
    raw_mb = _rss_mb() - before
    del raw
    gc.collect()
    before = _rss_mb()
    start = time.process_time()
    group = CompiledGroup([lexicon], NormaliseOptions())
    engine_seconds = time.process_time() - start
    gc.collect()
    engine_mb = _rss_mb() - before
    del group
    return {
        "terms": terms,
        "ahocorasick_rs_build_s": round(raw_seconds, 3),
        "ahocorasick_rs_rss_mb": round(raw_mb, 1),
        "engine_build_s": round(engine_seconds, 3),
        "engine_rss_mb": round(engine_mb, 1),
    }


def run(*, quick: bool = False) -> dict[str, Any]:
    """Run the benchmark; ``quick`` shrinks every size for a smoke test."""
    terms, texts = (3_000, 300) if quick else (60_000, 20_000)
    full = default_engine()
    full.check("预热")  # load the model and tables before timing
    return {
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()}",
        "quick": quick,
        "sparse": _throughput(Workload(terms, texts, dense=False), full),
        "dense": _throughput(Workload(terms, texts, dense=True), full),
        "build": [_build(n) for n in ((3_000, 30_000) if quick else (60_000, 1_000_000))],
    }


def render(report: dict[str, Any]) -> str:
    """The benchmark report as a plain-text table."""
    lines = [f"machine: {report['machine']}  (one core, CPU time, best of {ROUNDS} rounds)"]
    for run_name in ("sparse", "dense"):
        section = report[run_name]
        lines.append(
            f"\n{run_name}: {section['texts']} texts of {TEXT_LENGTH} chars, "
            f"{section['clean_fraction']:.1%} clean (raw matcher)"
        )
        lines.append(f"  {'path':<28}{'texts/s':>12}{'MB/s':>10}")
        for key, value in section.items():
            if isinstance(value, dict):
                lines.append(f"  {key:<28}{value['texts_per_s']:>12,}{value['mb_per_s']:>10.2f}")
        lines.append(f"  (c) time / (a) time: {section['c_over_a_time']}x")
    lines.append("\nbuild (CPU seconds, resident memory added):")
    lines.extend(
        f"  {b['terms']:>9,} terms: ahocorasick-rs {b['ahocorasick_rs_build_s']} s "
        f"{b['ahocorasick_rs_rss_mb']} MB; engine {b['engine_build_s']} s {b['engine_rss_mb']} MB"
        for b in report["build"]
    )
    return "\n".join(lines)
