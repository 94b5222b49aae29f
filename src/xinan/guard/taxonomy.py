"""The category taxonomy of duties.md (CON-2).

Art. 15 of the Internet Information Service Measures lists nine prohibited kinds of
information; xinan keeps them as ``law.1`` ... ``law.9`` and adds finer codes, each of which
maps onto one of the nine. Every rule, model, decision and report names codes from here.
"""

from __future__ import annotations

from types import MappingProxyType

LAW_CODES: tuple[str, ...] = tuple(f"law.{n}" for n in range(1, 10))

# Finer code -> the Art. 15 item it falls under.
FINE_CODES: MappingProxyType[str, str] = MappingProxyType(
    {
        "porn": "law.7",
        "gambling": "law.7",
        "violence": "law.7",
        "terrorism": "law.7",
        "fraud": "law.9",
        "drugs": "law.7",
        "weapons": "law.7",
        "insult": "law.8",
        "hate": "law.4",
        "bullying": "law.8",
        "threat": "law.7",
        "doxxing": "law.8",
        "defamation": "law.8",
        "rumour": "law.6",
        "cult": "law.5",
        "spam_ads": "law.9",
        "malware": "law.9",
        "malicious_link": "law.9",
        "secret_leak": "law.9",
        "self_harm": "law.7",
        "minor_unsafe": "law.9",
    }
)

ALL_CODES: frozenset[str] = frozenset(LAW_CODES) | frozenset(FINE_CODES)


class UnknownCode(ValueError):
    """A category code that is not in the taxonomy."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown category code {code!r}; known: {', '.join(sorted(ALL_CODES))}")
        self.code = code


def check_code(code: str) -> str:
    """Return ``code`` if it is in the taxonomy; raise :class:`UnknownCode` otherwise."""
    if code not in ALL_CODES:
        raise UnknownCode(code)
    return code


def law_item(code: str) -> str:
    """The Art. 15 item (``law.N``) that ``code`` falls under."""
    check_code(code)
    return code if code in LAW_CODES else FINE_CODES[code]
