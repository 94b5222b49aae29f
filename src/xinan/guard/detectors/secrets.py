"""Secrets published in content: passwords, private keys, API tokens (NET-2, code secret_leak).

NET-2 forbids leaking the accounts and passwords of hosted machines. A password given together
with a host or an account, a private key, or a credential that works on its own (a GitHub,
Slack or Stripe token, a cloud key ID with its secret) blocks; a lone password, a key ID
alone, a JWT or a Google API key (often public in web pages) goes to review.
"""

from __future__ import annotations

import re

from xinan.guard.context import Context
from xinan.guard.detectors._common import Spans, make_finding
from xinan.guard.findings import Finding

NAME = "secrets"
CODE = "secret_leak"

PRIVATE_KEY = "secret.private_key"
PASSWORD = "secret.password"  # noqa: S105 - a rule id, not a password
URL_CREDENTIALS = "secret.url_credentials"
GENERIC_KEY = "secret.generic_key"
CLOUD_SECRET = "secret.cloud_secret_key"  # noqa: S105 - a rule id, not a secret
KEY_IDS = frozenset(
    {"secret.aws_access_key", "secret.aliyun_access_key", "secret.tencent_secret_id"}
)

PAIR_SCORE = 0.95

# Everything below needs one of these. Plain literals only, with their case variants spelt
# out: Python's regex engine then skips to candidate positions by first character (0.7 us a
# comment); one case-insensitive group makes the same search 25 us.
_PRECHECK = re.compile(
    "|".join(
        (
            "密", "口令", "令牌", "://", "PRIVATE KEY", "PuTTY", "AKIA", "ASIA", "LTAI", "AKID",
            "AIza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "_live_", "eyJ",
            "pass", "Pass", "PASS", "pw", "Pw", "PW", "secret", "Secret", "SECRET", "token",
            "Token", "TOKEN", "key", "Key", "KEY",
        )
    )
)  # fmt: skip

# Rule id, pattern, score alone. One alternation whose branches all start with a literal, so
# the search skips to candidates; word boundaries are checked afterwards (a lookbehind in
# front would make the engine try every position).
_TOKEN_RULES: tuple[tuple[str, str, float], ...] = (
    ("secret.aws_access_key", r"(?:AKIA|ASIA)[A-Z2-7]{16}", 0.75),
    ("secret.aliyun_access_key", r"LTAI[A-Za-z0-9]{12,20}", 0.75),
    ("secret.tencent_secret_id", r"AKID[A-Za-z0-9]{32}", 0.75),
    ("secret.github_token", r"gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82}", 0.95),
    ("secret.slack_token", r"xox[abposr]-[A-Za-z0-9-]{10,250}", 0.95),
    ("secret.google_api_key", r"AIza[0-9A-Za-z_\-]{35}", 0.8),
    ("secret.stripe_key", r"sk_live_[0-9A-Za-z]{24,99}|rk_live_[0-9A-Za-z]{24,99}", 0.95),
    ("secret.jwt", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}", 0.8),
)
_TOKEN = re.compile(
    "(?:"
    + "|".join(f"(?P<t{i}>{body})" for i, (_, body, _) in enumerate(_TOKEN_RULES))
    + ")(?![A-Za-z0-9_])"
)
_TOKEN_TERMS = {f"t{i}": (term, score) for i, (term, _, score) in enumerate(_TOKEN_RULES)}
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")

_PEM = re.compile(r"-----BEGIN (?P<kind>(?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----")
_PEM_MAX = 16384  # characters; an RSA-8192 key is about 6,500
_PEM_BODY = re.compile(rf"[A-Za-z0-9+/=:,\- \t\r\n]{{0,{_PEM_MAX}}}")
_PUTTY = re.compile(r"PuTTY-User-Key-File-\d+: *\S+")
_URL_CREDENTIALS = re.compile(
    r"(?i:[a-z][a-z0-9+.\-]{1,15})://[^\s:/@]{1,64}:[^\s/@]{1,128}@[^\s/@]{1,253}"
)

# "secret_key = ...", "AccessKeySecret: ...", "私钥：...": a key-like value after a key word.
_GENERIC_KEY = re.compile(
    r"(?:(?i:secret[_-]?(?:access[_-]?)?key|access[_-]?key[_-]?secret|api[_-]?key|apikey"
    r"|access[_-]?token|auth[_-]?token|client[_-]?secret|secret)|私钥|密钥|令牌)"
    r"[\"']?\s*[:：=]\s*[\"']?(?P<value>[A-Za-z0-9/+_\-=.]{16,128})"
)
# A cloud access key's secret, printed next to its key ID.
_BARE_SECRET = re.compile(r"(?<![A-Za-z0-9/+])(?=[^\s]*\d)[A-Za-z0-9/+]{30,40}(?![A-Za-z0-9/+=])")

_PASSWORD = re.compile(
    r"(?P<cue>密码|密碼|口令|(?<![A-Za-z])(?i:password|passwd|pwd|(?:pass|pw)(?=\s*[:：=]))(?![A-Za-z]))"
    r"\s*(?:(?:[:：=]|是|为|為|(?i:is)(?=\s))\s*){0,2}"
    r"(?P<value>[!-~]{3,64})"
)
# Words that follow "password" in prose ("password reset", "password is required"), and
# masked values: no secret is given.
_NOT_A_PASSWORD = re.compile(
    r"(?i:for|the|and|or|to|of|is|was|will|please|reset|change|changed|manager|policy|required"
    r"|incorrect|wrong|expired|field|strength|hash|length|protected|https?://\S*|www\.\S*|/\S*)"
    r"|[*•●#xX]+|[.…]+"
)
# A host or an account near a password makes it a usable credential (NET-2). Searched in a
# lower-cased window, so the pattern needs no case-insensitive group.
_HOST_OR_ACCOUNT = re.compile(
    r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|@[\w-]+\.[\w.-]+"
    r"|服务器|伺服器|主机|主機|机器|数据库|远程|账号|帳號|账户|帳戶|帐号|帐户|用户名|用戶名|登录名|登錄名"
    r"|(?<![a-z])(?:host|server|ssh|ftp|rdp|vps|mysql|redis|ip|username|user|login|account"
    r"|root|admin|administrator|ubuntu)(?![a-z])"
)
_PAIR_WINDOW = 80
# Cheap gates in front of the costlier rules (plain literals: see _PRECHECK).
_GENERIC_HINT = re.compile(
    "ecret|ECRET|oken|OKEN|pi_key|pi-key|piKey|pikey|PI_KEY|PIKEY|私钥|密钥|令牌"
)
_PASSWORD_HINT = re.compile("密码|密碼|口令|pass|Pass|PASS|pw|Pw|PW")


def detect(text: str, context: Context) -> list[Finding]:
    """Secrets in ``text``; credential pairs and private keys block (NET-2)."""
    if _PRECHECK.search(text) is None:
        return []
    hits: list[tuple[int, int, str, float]] = []
    if "PRIVATE KEY" in text or "PuTTY" in text:
        hits.extend(_private_keys(text))
    for match in _TOKEN.finditer(text):
        if match.start() == 0 or text[match.start() - 1] not in _WORD_CHARS:
            term, score = _TOKEN_TERMS[match.lastgroup or ""]
            hits.append((match.start(), match.end(), term, score))
    if "://" in text:
        hits.extend(
            (m.start(), m.end(), URL_CREDENTIALS, PAIR_SCORE)
            for m in _URL_CREDENTIALS.finditer(text)
        )
    if _GENERIC_HINT.search(text):
        hits.extend(
            (m.start(), m.end("value"), GENERIC_KEY, 0.7)
            for m in _GENERIC_KEY.finditer(text)
            if _looks_random(m["value"])
        )
    if _PASSWORD_HINT.search(text):
        hits.extend(_passwords(text))
    hits = _pair_cloud_keys(text, _drop_overlaps(hits))
    return [make_finding(NAME, CODE, text, s, e, term, score) for s, e, term, score in hits]


def _private_keys(text: str) -> list[tuple[int, int, str, float]]:
    """PEM private keys (to their END line, or to the end of the base64 body) and PuTTY keys."""
    found: list[tuple[int, int, str, float]] = []
    pos = 0
    while (match := _PEM.search(text, pos)) is not None:
        footer = f"-----END {match['kind']}PRIVATE KEY"
        stop = text.find(footer, match.end(), match.end() + _PEM_MAX)
        if stop >= 0:
            close = text.find("-----", stop + len(footer), stop + len(footer) + 16)
            end = close + 5 if close >= 0 else stop + len(footer)
        else:
            body = _PEM_BODY.match(text, match.end())
            end = body.end() if body else match.end()
            while end > match.end() and text[end - 1].isspace():
                end -= 1
        found.append((match.start(), end, PRIVATE_KEY, 0.99))
        pos = max(end, match.end())
    found.extend((m.start(), m.end(), PRIVATE_KEY, 0.99) for m in _PUTTY.finditer(text))
    return found


def _passwords(text: str) -> list[tuple[int, int, str, float]]:
    """A password cue with a value; paired with a host or an account it blocks."""
    found: list[tuple[int, int, str, float]] = []
    for match in _PASSWORD.finditer(text):
        value = match["value"].rstrip(",.;，。")
        if len(value) < 3 or _NOT_A_PASSWORD.fullmatch(value):
            continue
        start, end = match.start(), match.start("value") + len(value)
        before = text[max(0, start - _PAIR_WINDOW) : start].lower()
        after = text[end : end + _PAIR_WINDOW].lower()
        paired = _HOST_OR_ACCOUNT.search(before) or _HOST_OR_ACCOUNT.search(after)
        found.append((start, end, PASSWORD, PAIR_SCORE if paired else 0.6))
    return found


def _looks_random(value: str) -> bool:
    """A real key mixes letters and digits; placeholders ("your_api_key_here") do not."""
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def _pair_cloud_keys(
    text: str, hits: list[tuple[int, int, str, float]]
) -> list[tuple[int, int, str, float]]:
    """A cloud key ID with a secret next to it is a full credential: both block (NET-2)."""
    ids = [hit for hit in hits if hit[2] in KEY_IDS]
    if not ids:
        return hits
    secrets = [hit for hit in hits if hit[2] in (GENERIC_KEY, PASSWORD)]
    taken = Spans()
    for start, end, _, _ in hits:
        taken.add(start, end)
    for _, end, _, _ in ids:
        for match in _BARE_SECRET.finditer(text, end, end + 200):
            if _looks_random(match[0]) and taken.add(match.start(), match.end()):
                secrets.append((match.start(), match.end(), CLOUD_SECRET, 0.7))
                break
    if not secrets:
        return hits
    paired = {hit[:3] for hit in ids + secrets}
    rest = [hit for hit in hits if hit[:3] not in paired]
    return sorted(rest + [(s, e, term, PAIR_SCORE) for s, e, term in paired])


def _drop_overlaps(hits: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
    """Keep the highest-scoring of overlapping hits (a token inside a key block, say)."""
    spans = Spans()
    return sorted(
        hit for hit in sorted(hits, key=lambda h: (-h[3], h[0])) if spans.add(hit[0], hit[1])
    )
