"""The text formats of lexicons and domain lists: checking on the way in, writing out.

A lexicon is the guard's CSV (docs/guard.md, "CSV format"), checked by the guard's own parser
so that what is accepted here is exactly what the filter can compile. A domain list is one
host per line (``#`` comments, an optional ``domain`` header, a leading ``*.`` or a URL's
scheme and path are dropped). Both raise :class:`ValidationFailed` naming the line.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass

from xinan.core.exceptions import ValidationFailed
from xinan.guard import Entry, Lexicon, LexiconError
from xinan.guard.lexicon import dump_csv, parse_csv
from xinan.policies.models import MAX_DOMAINS

_LABEL = re.compile(r"^[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?$")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CheckedLexicon:
    """A lexicon's CSV as the guard read it."""

    entry_count: int


def check_lexicon(csv_text: str, *, name: str) -> CheckedLexicon:
    """Parse ``csv_text`` as the guard will. Raises ValidationFailed naming the line."""
    try:
        lexicon = parse_csv(csv_text, name=name)
    except LexiconError as exc:
        raise ValidationFailed(str(exc), fields={"csv_text": [str(exc)]}) from exc
    return CheckedLexicon(entry_count=len(lexicon.entries))


def normalise_lexicon(csv_text: str) -> str:
    """Line ends as ``\\n`` and a final newline: the stored form, so equal texts compare
    equal whether they came from a browser (CRLF) or curl."""
    text = "\n".join(line.rstrip() for line in csv_text.splitlines())
    return text.strip("\n") + "\n" if text.strip() else ""


def example_lexicon() -> str:
    """A tiny lexicon in the format, for the forms' placeholder and the docs."""
    return dump_csv(Lexicon("example", (Entry("代开发票", "fraud", "block"),)))


def normal_host(raw: str) -> str:
    """A host as the links detector folds it: NFKC, lower case, no trailing dot.

    A URL is reduced to its host and a leading ``*.`` dropped (every entry covers its
    subdomains). Raises ValueError when what is left is not a host name or IPv4 address.
    """
    host = unicodedata.normalize("NFKC", raw.strip()).lower()
    host = _SCHEME.sub("", host).split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].removeprefix("*.").strip(".")
    if not host:
        raise ValueError("empty host")
    try:
        return str(ipaddress.IPv4Address(host))
    except ValueError:
        pass
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"not a host name: {raw.strip()!r}")
    if labels[-1].isdigit():
        raise ValueError(f"not a host name: {raw.strip()!r}")
    return host


def parse_domains(text: str) -> list[str]:
    """Hosts from a domain list's text, sorted and without repeats. Raises ValidationFailed
    naming the first bad line, or when there are more than ``MAX_DOMAINS``."""
    lines: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(",", 1)[0].strip()  # a second CSV column is a note: ignored
        if not line or line.startswith("#") or (not lines and line.lower() == "domain"):
            continue
        lines.append((f"line {number}", line))
    return _hosts(lines)


def check_domains(domains: list[str]) -> list[str]:
    """A list of hosts (the API's form) checked and normalised like a file's lines."""
    return _hosts([(f"item {number}", raw) for number, raw in enumerate(domains, start=1)])


def _hosts(lines: list[tuple[str, str]]) -> list[str]:
    hosts: set[str] = set()
    for where, raw in lines:
        try:
            hosts.add(normal_host(raw))
        except ValueError as exc:
            message = f"{where}: {exc}"
            raise ValidationFailed(message, fields={"domains": [message]}) from exc
    if len(hosts) > MAX_DOMAINS:
        message = f"more than {MAX_DOMAINS} domains"
        raise ValidationFailed(message, fields={"domains": [message]})
    return sorted(hosts)


def dump_domains(domains: list[str], *, name: str, kind: str) -> str:
    """A domain list as the text :func:`parse_domains` reads back."""
    header = f"# {name.replace(chr(10), ' ')} ({kind})\ndomain\n"
    return header + "".join(f"{host}\n" for host in domains)
