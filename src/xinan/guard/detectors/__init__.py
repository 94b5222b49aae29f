"""The rule detectors of ``xinan.guard``: personal information, secrets, links, contacts.

Each detector is a function ``(text, context) -> list[Finding]``. Findings index the text
exactly as received (``finding.text == text[finding.start:finding.end]``), name a stable rule
id in ``term`` and the detector's key in ``detector``. Every detector starts with a cheap
precheck, so a clean comment costs a few microseconds (issue 4: 10,000 texts/s end to end).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from xinan.guard.context import Context
from xinan.guard.detectors import contacts, links, personal_info, secrets
from xinan.guard.findings import Finding

# Bumped whenever a rule changes what it finds, so verdicts name the rules behind them.
VERSION = "1.1.0"

Detector = Callable[[str, Context], list[Finding]]

DETECTORS: Mapping[str, Detector] = MappingProxyType(
    {
        personal_info.NAME: personal_info.detect,
        secrets.NAME: secrets.detect,
        links.NAME: links.detect,
        contacts.NAME: contacts.detect,
    }
)

__all__ = ["DETECTORS", "VERSION", "Detector"]
