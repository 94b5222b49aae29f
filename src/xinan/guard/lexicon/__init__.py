"""Lexicons: entries, file formats and the compiled matcher (issue 4, detector 2)."""

from __future__ import annotations

from xinan.guard.lexicon.matcher import CompiledGroup, CompiledLexicon, compile_lexicon
from xinan.guard.lexicon.model import (
    Entry,
    Lexicon,
    LexiconError,
    dump_csv,
    dump_text,
    load,
    parse_csv,
    parse_sensitive_word,
    parse_text,
    validate_entry,
)

__all__ = [
    "CompiledGroup",
    "CompiledLexicon",
    "Entry",
    "Lexicon",
    "LexiconError",
    "compile_lexicon",
    "dump_csv",
    "dump_text",
    "load",
    "parse_csv",
    "parse_sensitive_word",
    "parse_text",
    "validate_entry",
]
