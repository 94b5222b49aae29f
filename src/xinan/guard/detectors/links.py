"""Links in content, checked before readers follow them (CON-7, code malicious_link).

URLs are extracted in the forms people use to slip them past a filter: spaces around the
dots, ``[.]``/``(.)``, 点/點 and full-width ．。 as dots, full-width letters, ``hxxp``. A link
is risky when its host is an IP literal, punycode (``xn--``) or a mix of scripts that imitates
another name (Cyrillic а in apple.com), a known URL shortener that hides the destination, a
throwaway host (a machine-made name such as ``k8k8.vip`` under a cheap TLD spam favours), or
written obfuscated; a tenant's deny list blocks a domain and its allow list silences it.

A benign link produces no finding at all: a low-score finding would still put
``malicious_link`` among a verdict's codes, which would mislabel every ordinary link. For a
minor (CON-5) every external link is at least reviewed.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
import unicodedata
from functools import lru_cache
from ipaddress import IPv4Address
from itertools import accumulate, pairwise

from xinan.guard.context import Context
from xinan.guard.detectors._common import make_finding
from xinan.guard.detectors.topics import advert_code
from xinan.guard.findings import Finding

NAME = "links"
CODE = "malicious_link"

DENIED = "link.denied"
LOOKALIKE = "link.lookalike"
PUNYCODE = "link.punycode"
OBFUSCATED = "link.obfuscated"
IP_HOST = "link.ip_host"
SHORTENER = "link.shortener"
USERINFO = "link.userinfo"
MINOR_EXTERNAL = "link.minor_external"
THROWAWAY = "link.throwaway_host"

_SCORES = {
    DENIED: 0.99,
    LOOKALIKE: 0.95,
    PUNYCODE: 0.75,
    USERINFO: 0.8,
    OBFUSCATED: 0.7,
    IP_HOST: 0.6,
    SHORTENER: 0.6,
    # A heuristic: review (0.5) by default, short of block (0.9), and short of a minor's block
    # threshold too (0.9 x 0.75 = 0.675), so a wrong guess costs a reviewer's glance only.
    THROWAWAY: 0.6,
    MINOR_EXTERNAL: 0.6,
}

# Top-level domains a link may end in, written for xinan: generic, the cheap ones spam favours,
# and country codes common in Chinese content. File extensions that are also country codes
# (.md .py .sh .rs .pl) are left out: "readme.md" is not a link.
_TLD_NAMES = """
com net org cn info biz top xyz vip club shop site online app dev io me cc co tv ws asia mobi
pro name link live life fun work ltd store tech icu cyou buzz wang ink red kim pw tk ml ga cf
gq cam bid win loan date download click xin ren gov edu mil int ru uk us de jp kr hk tw mo sg
fr eu in au ca br nl it es ch se
"""
TLDS = frozenset(_TLD_NAMES.split())

# URL shorteners hide where a link goes (CON-7).
_SHORTENER_NAMES = """
t.cn url.cn dwz.cn suo.im sina.lt mrw.so 985.so tb.cn 3.cn u.nu bit.ly tinyurl.com goo.gl is.gd
v.gd ow.ly t.co rb.gy cutt.ly s.id buff.ly reurl.cc j.mp shorturl.at tiny.cc soo.gd
"""
SHORTENERS = frozenset(_SHORTENER_NAMES.split())

# Cheap or free top-level domains that spam and gambling posts register throwaway hosts under
# (written for xinan from the registries' price lists and abuse reports in general, not from
# any data set). A host under one of these is flagged only if its registrable label also looks
# machine-made (see _looks_machine_made); an ordinary name such as shop.club passes.
_CHEAP_TLD_NAMES = """
top xyz vip cc icu buzz club shop site online cyou wang ink fun work ltd live life store bid
win loan click cam pw tk ml ga cf gq asia
"""
CHEAP_TLDS = frozenset(_CHEAP_TLD_NAMES.split())
# Well-known registrable domains under those TLDs that must never count as throwaway, whatever
# the heuristic thinks of their label. Kept tiny on purpose: tenants use allow_domains.
THROWAWAY_EXEMPT = frozenset({"abc.xyz"})
_REPEATED_DIGIT = re.compile(r"(\d)\1")
_YEAR = re.compile(r"(?:19|20)\d\d")
_VOWELS = frozenset("aeiouy")
_VOWELS_STRICT = frozenset("aeiou")

_LABEL_CHARS = r"0-9A-Za-z\u00c0-\u024f\u0250-\u02af\u0370-\u052f\u0531-\u058f０-９Ａ-Ｚａ-ｚ\-"
_LABEL_CHAR = re.compile(rf"[{_LABEL_CHARS}]")
# Possessive: a label never gives characters back, so a long run of letters and digits that is
# no link fails at once instead of being retried at every length.
_LABEL = rf"[{_LABEL_CHARS}]++"
_SPACE = r"[ \t\u3000]"
# A plain dot, a dot between spaces, or a written-out dot: every form but the first is
# obfuscation.
_DOT = (
    rf"(?:\.|{_SPACE}+\.{_SPACE}+|{_SPACE}*(?:[．。｡点點典奌]|[\[(（【{{](?:\.|点|點|(?i:dot))[\])）】}}]"
    rf"|{_SPACE}(?i:dot){_SPACE}){_SPACE}*)"
)
_DOT_SPLIT = re.compile(_DOT)
_HOST = re.compile(
    rf"(?P<host>{_LABEL}(?:{_DOT}{_LABEL})+)(?P<port>[:：]\d{{1,5}})?(?P<path>[/／?#][!-~]*)?"
)
# "http://apple.com@evil.com" goes to evil.com: the part before @ only imitates a host.
_USERINFO = re.compile(r"://[^\s/@＠]{1,200}[@＠]$")
_SCHEME = re.compile(rf"(?i:h[tx]{{2}}ps?|ftp){_SPACE}*[:：]{_SPACE}*[/／]{_SPACE}*[/／]{_SPACE}*$")
# Every link has a letter or digit right before a dot of some form; a written-out dot (点, 。)
# is followed by a letter, since top-level domains are letters ("3点30" is a time). This
# precheck is all most comments cost; the host pattern runs only where it hits.
_PRECHECK = re.compile(
    rf"[0-9A-Za-z\u00c0-\u058f０-９Ａ-Ｚａ-ｚ](?:\.|{_SPACE}*(?:[．。｡点點典奌]{_SPACE}*[A-Za-zＡ-Ｚａ-ｚ]"
    rf"|[\[(（【{{](?:[.点點]|[Dd][Oo][Tt])[\])）】}}])|{_SPACE}+(?:\.|[Dd][Oo][Tt]){_SPACE})"
)
# The same test on the text as received, where letters and digits may be styled (𝕥𝕠𝕡, ⓷):
# the styled ranges are allowed around the dot, so a text that fails it needs no unstyling.
_STYLED_CLASS = "\u2460-\u2793\U0001d400-\U0001f1ff"
_PRECHECK_STYLED = re.compile(
    rf"[0-9A-Za-z\u00c0-\u058f０-９Ａ-Ｚａ-ｚ{_STYLED_CLASS}](?:\.|{_SPACE}*(?:[．。｡点點典奌]{_SPACE}*"
    rf"[A-Za-zＡ-Ｚａ-ｚ{_STYLED_CLASS}]"
    rf"|[\[(（【{{](?:[.点點]|[Dd][Oo][Tt])[\])）】}}])|{_SPACE}+(?:\.|[Dd][Oo][Tt]){_SPACE})"
)
# A bare dotted quad is a version number unless something says it is an address.
_IP_CUE = re.compile(
    r"(?:访问|打开|登录|登陆|网址|地址|链接|连接|网站|官网|入口|(?i:ip|host|server))\W{0,3}$"
)
# Rules that mark a link as an advert's delivery, not as an attack on the reader: in a gambling
# or sex advert these findings carry the advert's code. Deny-list, look-alike, punycode and
# user-info links stay ``malicious_link`` (phishing).
ADVERT_RULES = frozenset({THROWAWAY, IP_HOST, SHORTENER, OBFUSCATED})
_TRAILING = ".,;:!?)]}'\"。，"
# Styled letters and digits that spammers write hosts in (⓷, 𝕥𝕠𝕡, 🅣🅞🅟, 🅅, ➑): each is read as
# its one ASCII letter or digit, position for position, so offsets stay those of the text.
_STYLED_RANGES = ((0x2460, 0x24FF), (0x2776, 0x2793), (0x1D400, 0x1D7FF), (0x1F100, 0x1F1FF))
# A cheap superset test (two ranges) decides whether a text needs the translation at all.
_STYLED = re.compile("[\u2460-\u2793\U0001d400-\U0001f1ff]")
# A Chinese name under a cheap TLD (钰蛇.top): no brand registers its Chinese name there. Found
# from the dots of a text (most texts have none), then checked backwards and forwards.
_HAN_LABEL = re.compile(r"[\u4e00-\u9fff]{1,6}$")
_TLD_AFTER = re.compile(r"[A-Za-z]{2,6}(?![A-Za-z0-9])")


def _styled_char(char: str) -> str:
    """The ASCII letter or digit a styled character stands for, or the character itself."""
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) == 1 and folded.isascii() and folded.isalnum():
        return folded
    name = unicodedata.name(char, "")
    for marker in (" LETTER ", " DIGIT "):
        if marker in name:
            word = name.rsplit(" ", 1)[-1]
            if marker == " LETTER " and len(word) == 1 and word.isalpha():
                return word.lower()
            digit = unicodedata.digit(char, None)
            if digit is not None:
                return str(digit)
    return char


_STYLED_TABLE = {
    code: folded
    for low, high in _STYLED_RANGES
    for code in range(low, high + 1)
    if (folded := _styled_char(chr(code))) != chr(code)
}


def _unstyled(text: str) -> str:
    """``text`` with styled letters and digits as ASCII; same length, same offsets."""
    if _STYLED.search(text) is None:
        return text
    return text.translate(_STYLED_TABLE)


def detect(text: str, context: Context) -> list[Finding]:
    """Risky links in ``text``; allow-listed domains are silent, deny-listed ones block.

    A throwaway, IP, shortened or obfuscated link in a text that advertises gambling or sex
    is filed under ``gambling`` or ``porn``: the link is how the advert is delivered.
    """
    original = text
    findings: list[Finding] = []
    if _PRECHECK_STYLED.search(text) is not None:
        text = _unstyled(text)
        findings = _links(text, original, context)
    if "." in text or "．" in text:
        findings.extend(_han_hosts(text, original, context, findings))
    if findings:
        topic = advert_code(text, money=False, delivery=True)
        if topic:
            findings = [_as_advert(f, topic) for f in findings]
    return findings


def _as_advert(finding: Finding, topic: str) -> Finding:
    """A delivery link of an advert, filed under the advert's code (phishing rules stay)."""
    if finding.term not in ADVERT_RULES:
        return finding
    return dataclasses.replace(finding, code=topic)


def _han_hosts(text: str, original: str, context: Context, found: list[Finding]) -> list[Finding]:
    """Chinese names under a cheap TLD (钰蛇.top), not already inside a found link.

    The found links are sorted once and each name is looked up by bisection: a scan of them
    per name made a long text of names and links quadratic (200k characters took 10 s).
    """
    results = []
    allow = _domain_lists(context.allow_domains)
    taken = sorted((f.start, f.end) for f in found)
    starts = [start for start, _ in taken]
    ends = list(accumulate((end for _, end in taken), max))
    for dot in ".．":
        pos = text.find(dot, 1)
        while pos != -1:
            tld = _TLD_AFTER.match(text, pos + 1)
            label = _HAN_LABEL.search(text, max(0, pos - 7), pos) if tld else None
            if tld and label and _han_host(text, label.start(), tld, (starts, ends), allow):
                results.append(
                    make_finding(
                        NAME, CODE, original, label.start(), tld.end(), THROWAWAY,
                        _SCORES[THROWAWAY],
                    )
                )  # fmt: skip
            pos = text.find(dot, pos + 1)
    return results


def _han_host(
    text: str,
    start: int,
    tld: re.Match[str],
    found: tuple[list[int], list[int]],
    allow: frozenset[str],
) -> bool:
    """Whether a Chinese label (from ``start``) and ``tld`` form a throwaway host to report.

    ``found``: the starts of the links already found, sorted, and the furthest end reached by
    each link and those before it; the label must lie inside none of them.
    """
    if start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff":
        return False  # more than six Han characters: prose, not a name
    if tld[0].lower() not in CHEAP_TLDS or _inside(start, *found):
        return False
    host = unicodedata.normalize("NFKC", text[start : tld.end()]).lower()
    return _listed(host, allow, frozenset()) != "allow"


def _inside(position: int, starts: list[int], ends: list[int]) -> bool:
    """Whether ``position`` lies in a span; ``ends[i]`` is the furthest end of spans 0..i."""
    index = bisect.bisect_right(starts, position)
    return index > 0 and ends[index - 1] > position


def _links(text: str, original: str, context: Context) -> list[Finding]:
    """The risky links of the unstyled ``text``; findings slice ``original``."""
    if _PRECHECK.search(text) is None:
        return []
    allow, deny = _domain_lists(context.allow_domains), _domain_lists(context.deny_domains)
    findings: list[Finding] = []
    done = 0
    for hint in _PRECHECK.finditer(text):
        start = hint.start()
        if start < done:
            continue
        while start > done and _LABEL_CHAR.match(text, start - 1):
            start -= 1
        match = _HOST.match(text, start)
        if match is None:
            continue
        done = match.end()
        if done < len(text) and text[done] in "@＠":
            continue  # the user part of an e-mail address or of a URL
        prefix_end = start
        userinfo = None
        if start > 0 and text[start - 1] in "@＠_":
            userinfo = _USERINFO.search(text, max(0, start - 200), start)
            if userinfo is None:
                continue  # the domain of an e-mail address (personal_info's) or part of a name
            prefix_end = userinfo.start() + 3  # just after "://"
        scheme = _SCHEME.search(text, max(0, prefix_end - 24), prefix_end)
        styled = original[match.start("host") : match.end("host")] != match["host"]
        rules = _rules(
            text,
            match,
            scheme[0] if scheme else "",
            (userinfo is not None, styled),
            (allow, deny),
            context,
        )
        if rules:
            begin = scheme.start() if scheme else prefix_end
            score = min(0.99, max(_SCORES[r] for r in rules) + 0.1 * (len(rules) > 1))
            term = max(rules, key=_SCORES.__getitem__)
            end = _strip_trailing(text, match)
            findings.append(make_finding(NAME, CODE, original, begin, end, term, score))
    return findings


def _rules(
    text: str,
    match: re.Match[str],
    scheme: str,
    flags: tuple[bool, bool],
    lists: tuple[frozenset[str], frozenset[str]],
    context: Context,
) -> list[str]:
    """The risk rules a link triggers; empty for a benign or allow-listed link.

    ``flags``: whether the link has a user part (``http://a.com@b.com``), and whether its host
    was written in styled letters or digits (𝕥𝕠𝕡, ⓷), which is obfuscation.
    """
    has_userinfo, styled = flags
    dots = _DOT_SPLIT.findall(match["host"])
    labels = [_fold(label) for label in _DOT_SPLIT.split(match["host"])]
    host = ".".join(labels)
    ip = _ip_literal(labels)
    shortener = any(host == s or host.endswith("." + s) for s in SHORTENERS)
    if (
        ip is None
        and not shortener
        and labels[-1] not in TLDS
        and not labels[-1].startswith("xn--")
    ):
        return []
    if ip is not None and not (
        scheme
        or match["port"]
        or match["path"]
        or _IP_CUE.search(text, max(0, match.start() - 12), match.start())
    ):
        return []  # "版本 1.2.3.4": a version string, not an address
    listed = _listed(host, *lists)
    if listed == "allow":
        return []
    rules: list[str] = []
    if listed == "deny":
        rules.append(DENIED)
    obfuscated = styled or any(dot != "." for dot in dots) or host != match["host"].lower()
    if obfuscated or "x" in scheme[:4].lower():
        rules.append(OBFUSCATED)
    if ip is not None:
        rules.append(IP_HOST)
    else:
        decoded = [_decode_punycode(label) for label in labels]
        if any(d != label and not _is_han(d) for d, label in zip(decoded, labels, strict=True)):
            rules.append(PUNYCODE)
        if _is_mixed_script(decoded):
            rules.append(LOOKALIKE)
        if shortener:
            rules.append(SHORTENER)
        elif _is_throwaway(labels):
            rules.append(THROWAWAY)
    if has_userinfo:
        rules.append(USERINFO)
    if context.is_minor and not rules:
        rules.append(MINOR_EXTERNAL)  # CON-5: minors get every external link reviewed
    return rules


def _is_throwaway(labels: list[str]) -> bool:
    """A machine-made registrable label under a cheap TLD: ``w14nz.top``, ``xx88.cc``."""
    if len(labels) < 2 or labels[-1] not in CHEAP_TLDS:
        return False
    if ".".join(labels[-2:]) in THROWAWAY_EXEMPT:
        return False
    return _looks_machine_made(labels[-2])


@lru_cache(maxsize=1024)
def _looks_machine_made(label: str) -> bool:
    """Whether a label reads as generated rather than as a name someone chose.

    Digit-only: three digits or more and not a year (``888``, ``5566``; ``1.vip`` in a numbered
    list and ``2024.top`` pass). With letters: a repeated digit (``xx88``, ``a666``), digits and
    letters alternating with at least two digits (``k8k8``, ``w14nz``, ``a1b2c3``, but not
    ``k8s`` or ``web3``), consonants with two digits or more (``vyw96``), or digits making 60%
    of it. Letters only: four to eight letters with
    no vowel (``bfjtx``). Anything else, such as ``report``, ``top10`` or ``data01``, passes.
    """
    chars = label.replace("-", "")
    if not chars.isascii() or not chars.isalnum():
        return False
    digits = sum(c.isdigit() for c in chars)
    if digits == len(chars):
        return len(chars) >= 3 and _YEAR.fullmatch(chars) is None
    if digits == 0:
        return 4 <= len(chars) <= 8 and not _VOWELS.intersection(chars)
    if _REPEATED_DIGIT.search(chars):
        return True
    switches = sum(a.isdigit() != b.isdigit() for a, b in pairwise(chars))
    if digits >= 2 and not _VOWELS_STRICT.intersection(chars):
        return True  # consonants and digits only: vyw96, bx88
    return (switches >= 2 and digits >= 2) or digits >= 0.6 * len(chars)


def _fold(label: str) -> str:
    """Full-width to ASCII and lower case (NFKC keeps Cyrillic and Greek as they are)."""
    return unicodedata.normalize("NFKC", label).lower()


def _ip_literal(labels: list[str]) -> IPv4Address | None:
    """The IPv4 address the labels spell, if they are four decimal octets."""
    if len(labels) != 4 or not all(label.isdigit() and len(label) <= 3 for label in labels):
        return None
    if any(int(label) > 255 for label in labels):
        return None
    return IPv4Address(".".join(str(int(label)) for label in labels))


def _decode_punycode(label: str) -> str:
    """The Unicode form of an ``xn--`` label; undecodable labels come back unchanged."""
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return label


def _is_han(label: str) -> bool:
    """A Chinese internationalised label (例子.中国): punycode that imitates nothing."""
    return all("\u4e00" <= c <= "\u9fff" or c in "-0123456789" for c in label)


@lru_cache(maxsize=1024)
def _script(char: str) -> str:
    """The script of a letter by its Unicode name (LATIN, CYRILLIC, GREEK, ...)."""
    if char.isascii():
        return "LATIN"
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _is_mixed_script(labels: list[str]) -> bool:
    """Letters of more than one script in one host: the mark of a homograph (CON-7)."""
    scripts = {_script(c) for label in labels for c in label if c.isalpha()}
    scripts.discard("CJK")  # Chinese IDNs mix Han with an ASCII TLD legitimately
    return len(scripts) > 1


@lru_cache(maxsize=256)
def _domain_lists(domains: frozenset[str]) -> frozenset[str]:
    """A tenant's domain list, folded the way hosts are."""
    return frozenset(d for d in (_fold(raw.strip().strip(".")) for raw in domains) if d)


def _listed(host: str, allow: frozenset[str], deny: frozenset[str]) -> str | None:
    """Which list names ``host`` or a parent of it; the most specific entry wins, deny on a tie.

    One set lookup per label of the host, however long the tenant's lists are.
    """
    if not allow and not deny:
        return None
    labels = host.split(".")
    for index in range(len(labels)):
        suffix = ".".join(labels[index:])
        if suffix in deny:
            return "deny"
        if suffix in allow:
            return "allow"
    return None


def _strip_trailing(text: str, match: re.Match[str]) -> int:
    """The end of a link without the sentence punctuation that follows it."""
    end = match.end()
    floor = match.end("host")
    while end > floor and text[end - 1] in _TRAILING:
        end -= 1
    return end
