"""``xinan.guard``: the content-security engine (issue 4), plain Python without Django.

Typical use::

    from xinan.guard import Context, default_engine

    verdict = default_engine().check("文本", Context(is_minor=True))
    verdict.to_json()  # {"action": ..., "score": ..., "codes": [...], "findings": [...], ...}
"""

from __future__ import annotations

from xinan.guard.context import Context, Thresholds
from xinan.guard.engine import ENGINE_VERSION, Engine, TextTooLong, default_engine
from xinan.guard.findings import Finding
from xinan.guard.lexicon import CompiledLexicon, Entry, Lexicon, LexiconError, compile_lexicon
from xinan.guard.verdict import Verdict

__all__ = [
    "ENGINE_VERSION",
    "CompiledLexicon",
    "Context",
    "Engine",
    "Entry",
    "Finding",
    "Lexicon",
    "LexiconError",
    "TextTooLong",
    "Thresholds",
    "Verdict",
    "compile_lexicon",
    "default_engine",
]
