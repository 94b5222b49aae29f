"""What the caller tells the engine about a text, because it changes the judgement."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xinan.guard.lexicon.matcher import CompiledLexicon


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scores at or above ``block`` block; at or above ``review`` go to a human."""

    review: float = 0.5
    block: float = 0.9


@dataclass(frozen=True)
class Context:
    """Per-call settings: the channel, the author, and the tenant's policy.

    ``thresholds`` maps a category code to its :class:`Thresholds`; codes not listed use
    ``default_thresholds``. Minors (CON-5) get stricter thresholds and contact details and
    links are blocked rather than reviewed.

    ``lexicons`` are checked in addition to the engine's own (a tenant's terms), each built
    once with :func:`xinan.guard.compile_lexicon`; their names start with ``tenant:`` (which
    the engine's own lexicons may not) and differ from each other. Their whitelist entries
    cancel their own hits only.
    """

    channel: str = "default"
    is_minor: bool = False
    default_thresholds: Thresholds = field(default_factory=Thresholds)
    thresholds: Mapping[str, Thresholds] = field(default_factory=dict)
    allow_domains: frozenset[str] = frozenset()
    deny_domains: frozenset[str] = frozenset()
    lexicons: tuple[CompiledLexicon, ...] = ()
