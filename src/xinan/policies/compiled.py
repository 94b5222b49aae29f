"""A tenant's lexicons and domain lists, compiled for the filter and cached per process.

:func:`rules_for_site` is what ``moderation.filtering`` calls for every text. It costs one
query: the tenant's :class:`PolicyState` version, which every change raises in its own
transaction. While that version is the one cached, nothing else is read; when it moved, the
tenant's rows are read again (without their text), and only lexicons whose ``(id, version)``
is not already compiled are fetched and compiled. So an unchanged lexicon is never
recompiled, and a change is seen by every process at its next text.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from xinan.core import rawsql
from xinan.guard import CompiledLexicon, LexiconError, compile_lexicon
from xinan.moderation.models import Site
from xinan.policies.models import DomainList, PolicyState, TenantLexicon

logger = logging.getLogger(__name__)

# Compiled lexicons kept per process, least recently used out first. Beyond the bound a
# tenant's lexicon is compiled again when its tenant's rules are next rebuilt.
MAX_COMPILED = 512
MAX_TENANTS = 4096


@dataclass(frozen=True, slots=True)
class Rules:
    """What a site's texts are checked with besides the shipped lexicons."""

    lexicons: tuple[CompiledLexicon, ...] = ()
    allow_domains: frozenset[str] = frozenset()
    deny_domains: frozenset[str] = frozenset()


EMPTY = Rules()


@dataclass(frozen=True)
class _Part:
    """Rules from one scope (the tenant, or one site)."""

    lexicons: tuple[CompiledLexicon, ...] = ()
    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()


@dataclass
class _TenantRules:
    version: int
    tenant_wide: _Part
    by_site: dict[int, _Part]
    lexicon_ids: frozenset[int] = frozenset()
    merged: dict[int, Rules] = field(default_factory=dict)

    def for_site(self, site_id: int) -> Rules:
        rules = self.merged.get(site_id)
        if rules is None:
            own = self.by_site.get(site_id, _Part())
            rules = Rules(
                lexicons=(*self.tenant_wide.lexicons, *own.lexicons),
                allow_domains=self.tenant_wide.allow | own.allow,
                deny_domains=self.tenant_wide.deny | own.deny,
            )
            self.merged[site_id] = rules
        return rules


_compiled: OrderedDict[tuple[int, int], CompiledLexicon] = OrderedDict()
_tenants: OrderedDict[int, _TenantRules] = OrderedDict()
_lock = threading.Lock()


def rules_for_site(site: Site) -> Rules:
    """The site's tenant lexicons and domain lists, as compiled as they are current. One
    plain SELECT while nothing changed (CON-8: each customer's own policy applies at once);
    every text pays it, hence ``core.rawsql`` rather than a compiled queryset."""
    state = rawsql.get(PolicyState, tenant_id=site.tenant_id)
    if state is None:
        return EMPTY  # the tenant never had a lexicon or domain list
    tenant_id, version = site.tenant_id, state.version
    cached = _tenants.get(tenant_id)
    if cached is None or cached.version != version:
        with _lock:
            cached = _tenants.get(tenant_id)
            if cached is None or cached.version != version:
                previous = cached
                cached = _load(tenant_id, version)
                if previous is not None:  # deleted or disabled lexicons: compiled no more
                    gone = previous.lexicon_ids - cached.lexicon_ids
                    for key in [k for k in _compiled if k[0] in gone]:
                        del _compiled[key]
                _tenants[tenant_id] = cached
                _tenants.move_to_end(tenant_id)
                while len(_tenants) > MAX_TENANTS:
                    _tenants.popitem(last=False)
    return cached.for_site(site.pk)


def clear() -> None:
    """Forget everything compiled (tests; nothing else needs it)."""
    with _lock:
        _compiled.clear()
        _tenants.clear()


def compiled_keys() -> frozenset[tuple[int, int]]:
    """The ``(lexicon id, version)`` pairs compiled in this process."""
    return frozenset(_compiled)


def _load(tenant_id: int, version: int) -> _TenantRules:
    """Read the tenant's enabled rows (read after the version, so at least as new as it)
    and compile the lexicons not compiled yet. Call with ``_lock`` held."""
    rows = list(
        TenantLexicon.objects.filter(tenant_id=tenant_id, is_enabled=True)
        .order_by("id")
        .values_list("id", "version", "site_id")
    )
    missing = [pk for pk, lexicon_version, _ in rows if (pk, lexicon_version) not in _compiled]
    if missing:
        texts = TenantLexicon.objects.filter(pk__in=missing).values_list(
            "id", "version", "csv_text"
        )
        for pk, lexicon_version, csv_text in texts:
            compiled = _compile(tenant_id, pk, lexicon_version, csv_text)
            if compiled is not None:
                _compiled[(pk, lexicon_version)] = compiled
    tenant_wide: list[CompiledLexicon] = []
    by_site: dict[int, list[CompiledLexicon]] = {}
    for pk, lexicon_version, site_id in rows:
        compiled = _compiled.get((pk, lexicon_version))
        if compiled is None:
            continue
        _compiled.move_to_end((pk, lexicon_version))
        (tenant_wide if site_id is None else by_site.setdefault(site_id, [])).append(compiled)
    _drop_stale({pk: lexicon_version for pk, lexicon_version, _ in rows})
    allow: dict[int | None, set[str]] = {}
    deny: dict[int | None, set[str]] = {}
    lists = DomainList.objects.filter(tenant_id=tenant_id, is_enabled=True).values_list(
        "site_id", "kind", "domains"
    )
    for site_id, kind, domains in lists:
        target = allow if kind == DomainList.Kind.ALLOW else deny
        target.setdefault(site_id, set()).update(domains)
    sites = set(by_site) | {s for s in (*allow, *deny) if s is not None}
    return _TenantRules(
        version=version,
        tenant_wide=_Part(
            tuple(tenant_wide),
            frozenset(allow.get(None, ())),
            frozenset(deny.get(None, ())),
        ),
        by_site={
            site_id: _Part(
                tuple(by_site.get(site_id, ())),
                frozenset(allow.get(site_id, ())),
                frozenset(deny.get(site_id, ())),
            )
            for site_id in sites
        },
        lexicon_ids=frozenset(pk for pk, _, _ in rows),
    )


def _compile(tenant_id: int, pk: int, version: int, csv_text: str) -> CompiledLexicon | None:
    name = f"tenant:{tenant_id}:{pk}"
    try:
        return compile_lexicon(csv_text, name=name, version=f"{name}@v{version}")
    except LexiconError:
        # Checked when saved, so only a guard upgrade that tightened the format gets here:
        # the other lexicons keep serving and the log says which one to fix.
        logger.exception("tenant lexicon %s v%s no longer compiles; skipped", pk, version)
        return None


def _drop_stale(current: dict[int, int]) -> None:
    """Forget older versions of these lexicons, and keep the cache within its bound."""
    for key in [k for k in _compiled if k[0] in current and current[k[0]] != k[1]]:
        del _compiled[key]
    while len(_compiled) > MAX_COMPILED:
        _compiled.popitem(last=False)
