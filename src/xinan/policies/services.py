"""Changing a tenant's lexicons and domain lists (CON-8). Every function audits one event.

Each change raises the item's ``version`` and, in the same transaction, the tenant's
:class:`PolicyState` version, which is how every process's filter learns of it on the next
text (``policies.compiled``). The CSV is checked by the guard's own parser before anything is
written, so the filter never meets a lexicon it cannot compile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F

from xinan.audit import services as audit
from xinan.core.exceptions import Conflict, ValidationFailed
from xinan.core.validation import full_clean
from xinan.moderation.models import Site
from xinan.policies import formats
from xinan.policies.models import MAX_LISTS_PER_TENANT, DomainList, PolicyState, TenantLexicon
from xinan.tenants.models import Tenant

Row = TypeVar("Row", TenantLexicon, DomainList)

# Sentinel for "leave the scope as it is" (``site=None`` means every site).
KEEP: Any = object()


class LexiconNameTaken(Conflict):
    type = "lexicon-name-taken"
    title = "The tenant already has a lexicon with this name."


class DomainListNameTaken(Conflict):
    type = "domain-list-name-taken"
    title = "The tenant already has a domain list with this name."


class TooManyLists(Conflict):
    type = "too-many-lists"
    title = "The tenant has as many lexicons or domain lists as it may."


@dataclass(frozen=True, slots=True)
class Export:
    """A lexicon or domain list as a file to download, with the name to save it under."""

    text: str
    filename: str


# --- lexicons -----------------------------------------------------------------------------


def create_lexicon(
    *,
    tenant: Tenant,
    name: str,
    csv_text: str,
    site: Site | None = None,
    is_enabled: bool = True,
    actor: Any,
) -> TenantLexicon:
    """Add a lexicon to the tenant, or to one of its sites. Raises ValidationFailed (naming
    the bad CSV line), LexiconNameTaken, TooManyLists, Conflict (inactive tenant).
    Audit: policies.lexicon_created."""
    _check_tenant(tenant, site)
    csv_text = formats.normalise_lexicon(csv_text)
    lexicon = TenantLexicon(
        tenant=tenant, site=site, name=name.strip(), csv_text=csv_text, is_enabled=is_enabled
    )
    full_clean(lexicon, exclude=["tenant", "site"])
    checked = formats.check_lexicon(csv_text, name=lexicon.name)
    lexicon.entry_count = checked.entry_count
    lexicon.sha256 = _digest(csv_text)
    _insert(
        lexicon,
        actor=actor,
        action="policies.lexicon_created",
        fields=_lexicon_fields(lexicon),
        taken=LexiconNameTaken,
    )
    return lexicon


def update_lexicon(
    *,
    lexicon: TenantLexicon,
    actor: Any,
    name: str | None = None,
    csv_text: str | None = None,
    site: Site | None = KEEP,
    is_enabled: bool | None = None,
) -> TenantLexicon:
    """Change a lexicon; ``None`` (``KEEP`` for ``site``) leaves a field as it is. Any change
    raises its version. Raises ValidationFailed, LexiconNameTaken, Conflict (inactive tenant).
    Audit: policies.lexicon_updated (only when something changed)."""
    if csv_text is not None:
        csv_text = formats.normalise_lexicon(csv_text)
    try:
        with transaction.atomic():
            lexicon = _locked(TenantLexicon, lexicon.pk)
            if site is not KEEP:
                _check_site(lexicon.tenant_id, site)
            before = _lexicon_fields(lexicon)
            if name is not None:
                lexicon.name = name.strip()
            if csv_text is not None and csv_text != lexicon.csv_text:
                checked = formats.check_lexicon(csv_text, name=lexicon.name)
                lexicon.csv_text = csv_text
                lexicon.entry_count = checked.entry_count
                lexicon.sha256 = _digest(csv_text)
            if site is not KEEP:
                lexicon.site = site
            if is_enabled is not None:
                lexicon.is_enabled = is_enabled
            after = _lexicon_fields(lexicon)
            changed = [k for k in after if after[k] != before[k]]
            if not changed:
                return lexicon
            full_clean(lexicon, exclude=["tenant", "site"])
            lexicon.version += 1
            columns = {"site": "site", "entries": "entry_count"}
            fields = {columns.get(k, k) for k in changed}
            if "sha256" in fields:
                fields |= {"csv_text", "entry_count"}
            lexicon.save(update_fields=[*sorted(fields), "version", "updated_at"])
            _bump(lexicon.tenant_id)
            audit.record(
                actor=actor,
                action="policies.lexicon_updated",
                target=lexicon,
                changes={
                    **{k: (before[k], after[k]) for k in changed},
                    "version": (lexicon.version - 1, lexicon.version),
                },
            )
    except IntegrityError as exc:
        raise LexiconNameTaken() from exc
    return lexicon


def delete_lexicon(*, lexicon: TenantLexicon, actor: Any) -> None:
    """Remove a lexicon; the filter stops applying it at once. The audit event keeps its
    digest and size (the text itself stays in earlier verdicts' versions only).
    Raises Conflict (inactive tenant). Audit: policies.lexicon_deleted."""
    with transaction.atomic():
        lexicon = _locked(TenantLexicon, lexicon.pk)
        _delete(
            lexicon,
            actor=actor,
            action="policies.lexicon_deleted",
            fields={
                "name": lexicon.name,
                "entries": lexicon.entry_count,
                "sha256": lexicon.sha256,
            },
        )


def export_lexicon(*, lexicon: TenantLexicon, actor: Any) -> Export:
    """The lexicon's CSV as stored, to download. Audit: policies.lexicon_exported (one event
    per download, with the version and digest of what left)."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="policies.lexicon_exported",
            target=lexicon,
            changes={
                "version": (None, lexicon.version),
                "entries": (None, lexicon.entry_count),
                "sha256": (None, lexicon.sha256),
            },
        )
    return Export(lexicon.csv_text, f"lexicon-{lexicon.pk}-v{lexicon.version}.csv")


def _lexicon_fields(lexicon: TenantLexicon) -> dict[str, Any]:
    return {
        "name": lexicon.name,
        "site": lexicon.site_id,
        "entries": lexicon.entry_count,
        "sha256": lexicon.sha256,
        "is_enabled": lexicon.is_enabled,
    }


# --- domain lists -------------------------------------------------------------------------


def create_domain_list(
    *,
    tenant: Tenant,
    name: str,
    kind: str,
    domains: list[str],
    site: Site | None = None,
    is_enabled: bool = True,
    actor: Any,
) -> DomainList:
    """Add an allow or deny list of hosts. Raises ValidationFailed (naming the bad entry),
    DomainListNameTaken, TooManyLists, Conflict (inactive tenant).
    Audit: policies.domain_list_created."""
    _check_tenant(tenant, site)
    domain_list = DomainList(
        tenant=tenant,
        site=site,
        name=name.strip(),
        kind=kind,
        domains=formats.check_domains(domains),
        is_enabled=is_enabled,
    )
    full_clean(domain_list, exclude=["tenant", "site"])
    _insert(
        domain_list,
        actor=actor,
        action="policies.domain_list_created",
        fields={**_list_fields(domain_list), "domains": _joined(domain_list.domains)},
        taken=DomainListNameTaken,
    )
    return domain_list


def update_domain_list(
    *,
    domain_list: DomainList,
    actor: Any,
    name: str | None = None,
    kind: str | None = None,
    domains: list[str] | None = None,
    site: Site | None = KEEP,
    is_enabled: bool | None = None,
) -> DomainList:
    """Change a domain list; ``None`` (``KEEP`` for ``site``) leaves a field as it is. Any
    change raises its version. Raises ValidationFailed, DomainListNameTaken, Conflict
    (inactive tenant). Audit: policies.domain_list_updated (only when something changed); the
    audit records which hosts were added and removed."""
    hosts = formats.check_domains(domains) if domains is not None else None
    try:
        with transaction.atomic():
            domain_list = _locked(DomainList, domain_list.pk)
            if site is not KEEP:
                _check_site(domain_list.tenant_id, site)
            before = _list_fields(domain_list)
            old_hosts = set(domain_list.domains)
            if name is not None:
                domain_list.name = name.strip()
            if kind is not None:
                domain_list.kind = kind
            if hosts is not None:
                domain_list.domains = hosts
            if site is not KEEP:
                domain_list.site = site
            if is_enabled is not None:
                domain_list.is_enabled = is_enabled
            after = _list_fields(domain_list)
            changed = [k for k in after if after[k] != before[k]]
            if not changed:
                return domain_list
            full_clean(domain_list, exclude=["tenant", "site"])
            domain_list.version += 1
            domain_list.save(update_fields=[*changed, "version", "updated_at"])
            _bump(domain_list.tenant_id)
            changes: dict[str, tuple[Any, Any]] = {
                k: (before[k], after[k]) for k in changed if k != "domains"
            }
            if "domains" in changed:
                new_hosts = set(domain_list.domains)
                changes["domains_added"] = (None, _joined(sorted(new_hosts - old_hosts)))
                changes["domains_removed"] = (_joined(sorted(old_hosts - new_hosts)), None)
            changes["version"] = (domain_list.version - 1, domain_list.version)
            audit.record(
                actor=actor,
                action="policies.domain_list_updated",
                target=domain_list,
                changes=changes,
            )
    except IntegrityError as exc:
        raise DomainListNameTaken() from exc
    return domain_list


def delete_domain_list(*, domain_list: DomainList, actor: Any) -> None:
    """Remove a domain list; the filter stops applying it at once. Raises Conflict (inactive
    tenant). Audit: policies.domain_list_deleted."""
    with transaction.atomic():
        domain_list = _locked(DomainList, domain_list.pk)
        _delete(
            domain_list,
            actor=actor,
            action="policies.domain_list_deleted",
            fields={
                "name": domain_list.name,
                "kind": domain_list.kind,
                "domains": _joined(domain_list.domains),
            },
        )


def export_domain_list(*, domain_list: DomainList, actor: Any) -> Export:
    """The list as text, one host per line, to download.
    Audit: policies.domain_list_exported (one event per download)."""
    text = formats.dump_domains(domain_list.domains, name=domain_list.name, kind=domain_list.kind)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="policies.domain_list_exported",
            target=domain_list,
            changes={
                "version": (None, domain_list.version),
                "domains": (None, len(domain_list.domains)),
                "sha256": (None, _digest(text)),
            },
        )
    return Export(text, f"domains-{domain_list.pk}-v{domain_list.version}.csv")


def _list_fields(domain_list: DomainList) -> dict[str, Any]:
    return {
        "name": domain_list.name,
        "kind": domain_list.kind,
        "domains": list(domain_list.domains),
        "site": domain_list.site_id,
        "is_enabled": domain_list.is_enabled,
    }


# --- helpers ------------------------------------------------------------------------------


def _check_tenant(tenant: Tenant, site: Site | None) -> None:
    _check_active(tenant)
    _check_site(tenant.pk, site)


def _check_active(tenant: Tenant) -> None:
    """Lexicons and lists are added, changed and removed for active customers only."""
    if tenant.status != Tenant.Status.ACTIVE or tenant.is_provider:
        raise Conflict("lexicons and domain lists are kept for active customers only")


def _check_site(tenant_id: int, site: Site | None) -> None:
    """A scope must be one of the tenant's own sites (CON-8)."""
    if site is not None and site.tenant_id != tenant_id:
        message = "the site belongs to another tenant"
        raise ValidationFailed(message, fields={"site": [message]})


def _locked(model: type[Row], pk: int) -> Row:
    """The lexicon or list, locked, once its tenant is checked as on create. Call inside a
    transaction."""
    row = model.objects.select_for_update(of=("self",)).select_related("tenant").get(pk=pk)
    _check_active(row.tenant)
    return row


def _insert(
    row: TenantLexicon | DomainList,
    *,
    actor: Any,
    action: str,
    fields: dict[str, Any],
    taken: type[Conflict],
) -> None:
    """Save a new lexicon or list within the tenant's bound, raise the tenant's policy
    version and audit ``fields`` (and the version) as created. A taken name is ``taken``."""
    siblings = type(row)._default_manager.filter(tenant_id=row.tenant_id)
    try:
        with transaction.atomic():
            if siblings.count() >= MAX_LISTS_PER_TENANT:
                raise TooManyLists()
            row.save(force_insert=True)
            _bump(row.tenant_id)
            audit.record(
                actor=actor,
                action=action,
                target=row,
                changes={k: (None, v) for k, v in {**fields, "version": row.version}.items()},
            )
    except IntegrityError as exc:
        raise taken() from exc


def _delete(
    row: TenantLexicon | DomainList, *, actor: Any, action: str, fields: dict[str, Any]
) -> None:
    """Audit ``fields`` (and the version) as removed, delete the locked row and raise the
    tenant's policy version. Call inside a transaction."""
    audit.record(
        actor=actor,
        action=action,
        target=row,
        changes={k: (v, None) for k, v in {**fields, "version": row.version}.items()},
    )
    tenant_id = row.tenant_id
    row.delete()
    _bump(tenant_id)


def _bump(tenant_id: int) -> None:
    """Raise the tenant's policy version, in the caller's transaction."""
    if PolicyState.objects.filter(tenant_id=tenant_id).update(version=F("version") + 1):
        return
    try:
        with transaction.atomic():
            PolicyState.objects.create(tenant_id=tenant_id, version=1)
    except IntegrityError:
        # PostgreSQL: a concurrent first change created the row; raise it instead.
        PolicyState.objects.filter(tenant_id=tenant_id).update(version=F("version") + 1)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _joined(hosts: list[str]) -> str:
    return ",".join(hosts)
