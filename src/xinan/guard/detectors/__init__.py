"""The rule detectors of ``xinan.guard``: personal information, secrets, links, contacts.

Each detector is a function ``(text, context) -> list[Finding]``. Findings index the text
exactly as received (``finding.text == text[finding.start:finding.end]``), name a stable rule
id in ``term`` and the detector's key in ``detector``. Every detector starts with a cheap
precheck, so a clean comment costs a few microseconds (issue 4: 10,000 texts/s end to end).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from types import MappingProxyType

from xinan.guard.context import Context
from xinan.guard.detectors import contacts, links, personal_info, secrets
from xinan.guard.findings import Finding

# Bumped whenever a rule changes what it finds, so verdicts name the rules behind them.
VERSION = "1.2.1"

Detector = Callable[[str, Context], list[Finding]]

DETECTORS: Mapping[str, Detector] = MappingProxyType(
    {
        personal_info.NAME: personal_info.detect,
        secrets.NAME: secrets.detect,
        links.NAME: links.detect,
        contacts.NAME: contacts.detect,
    }
)

# What an advert may be about, and the findings that are only its vehicle (with the code they
# carry when nothing names the subject).
ADVERT_CODES = frozenset({"gambling", "porn", "fraud"})
_VEHICLES = {contacts.NAME: "spam_ads", links.NAME: links.CODE}


def refine(findings: list[Finding]) -> list[Finding]:
    """Hand-offs and delivery links filed under what the advert is about when another
    finding (a lexicon term, the classifier) names it although no advert word did.

    The subject is the advert code with the highest score among the other findings. The
    detectors cannot do this themselves: they run before the classifier. A phishing link (a
    rule outside ``links.ADVERT_RULES``) keeps ``malicious_link``.
    """
    subjects = [
        (f.score, f.code)
        for f in findings
        if f.detector not in _VEHICLES and f.code in ADVERT_CODES
    ]
    if not subjects:
        return findings
    subject = max(subjects)
    return [
        dataclasses.replace(finding, code=subject[1])
        if _VEHICLES.get(finding.detector) == finding.code
        and (finding.detector != links.NAME or finding.term in links.ADVERT_RULES)
        else finding
        for finding in findings
    ]


__all__ = ["DETECTORS", "VERSION", "Detector", "refine"]
