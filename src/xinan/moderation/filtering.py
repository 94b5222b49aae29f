"""The one door to the content engine ``xinan.guard`` (CON-3: the automatic filter).

The rest of the app calls :func:`check` with a channel's policy and gets a plain
:class:`FilterResult`; nothing else imports the guard's engine, so its API may change behind
this module. The engine loads lexicons and a model (about a second), so it is built once per
process, on first use.

The tenant's own lexicons and domain lists (CON-8) come from ``policies.compiled``, which
keeps them compiled per process and costs one query per text to see whether they changed.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from xinan.guard import Context, Engine, Thresholds, default_engine
from xinan.moderation.models import Channel
from xinan.policies.compiled import rules_for_site

_engine: Engine | None = None
_engine_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class FilterResult:
    """The guard's answer, reduced to what moderation needs, plus the full verdict JSON."""

    action: str  # pass | review | block
    score: float
    codes: tuple[str, ...]
    verdict: dict[str, Any]


def engine() -> Engine:
    """The process's engine, built on first use."""
    global _engine  # the per-process singleton the engine is designed as
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = default_engine()
    return _engine


def context_for(*, channel: Channel, author_is_minor: bool) -> Context:
    """The guard context a channel's policy asks for (CON-3 thresholds, CON-5 minors), with
    the lexicons and domain lists of the channel's tenant and site (CON-8)."""
    thresholds = {
        code: Thresholds(review=float(pair["review"]), block=float(pair["block"]))
        for code, pair in channel.thresholds.items()
    }
    is_minor = author_is_minor or channel.minors_mode == Channel.MinorsMode.ALL_AUTHORS
    rules = rules_for_site(channel.site)
    return Context(
        channel=channel.key,
        is_minor=is_minor,
        thresholds=thresholds,
        lexicons=rules.lexicons,
        allow_domains=rules.allow_domains,
        deny_domains=rules.deny_domains,
    )


def check(text: str, *, channel: Channel, author_is_minor: bool) -> FilterResult:
    """Filter ``text`` under ``channel``'s policy."""
    verdict = engine().check(text, context_for(channel=channel, author_is_minor=author_is_minor))
    return FilterResult(
        action=verdict.action,
        score=verdict.score,
        codes=verdict.codes,
        verdict=verdict.to_json(),
    )
