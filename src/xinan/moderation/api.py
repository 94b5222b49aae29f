"""Sites, channels, content intake and the review queue over HTTP (issue 5).

A customer's site submits content with its API key (scope ``content:write``) and polls the
result (``content:read``); reviewers work the queue with their signed-in session.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinan.core.principals import principal
from xinan.moderation import attachments as attached
from xinan.moderation import permissions, selectors, services
from xinan.moderation.models import Channel, ContentItem, Decision, Site
from xinan.moderation.schemas import (
    ChannelIn,
    ChannelOut,
    ChannelPatch,
    ContentIn,
    ContentOut,
    DecisionIn,
    DecisionOut,
    QueueItemOut,
    SiteIn,
    SiteOut,
    SitePatch,
    SubmissionOut,
)
from xinan.tenants.permissions import get_tenant_for
from xinan.tenants.roles import Perm

router = Router(tags=["moderation"])


# --- sites and channels -------------------------------------------------------------------


@router.get("/sites", response=list[SiteOut])
@paginate(LimitOffsetPagination)
def list_sites(request: HttpRequest, tenant_id: int | None = None) -> Any:
    return selectors.list_sites(principal=principal(request), tenant_id=tenant_id)


@router.post("/sites", response={201: SiteOut})
def create_site(request: HttpRequest, payload: SiteIn) -> Status[Site]:
    actor = principal(request)
    tenant = get_tenant_for(actor, payload.tenant_id, perm=Perm.MANAGE_SITES)
    site = services.create_site(
        tenant=tenant,
        name=payload.name,
        domains=payload.domains,
        icp_number=payload.icp_number,
        actor=actor,
    )
    return Status(201, site)


@router.get("/sites/{site_id}", response=SiteOut)
def get_site(request: HttpRequest, site_id: int) -> Site:
    return permissions.get_site_for(principal(request), site_id, perm=Perm.VIEW_CONTENT)


@router.patch("/sites/{site_id}", response=SiteOut)
def update_site(request: HttpRequest, site_id: int, payload: SitePatch) -> Site:
    actor = principal(request)
    site = permissions.get_site_for(actor, site_id, perm=Perm.MANAGE_SITES)
    return services.update_site(site=site, actor=actor, **payload.dict(exclude_unset=True))


@router.get("/sites/{site_id}/channels", response=list[ChannelOut])
@paginate(LimitOffsetPagination)
def list_channels(request: HttpRequest, site_id: int) -> Any:
    site = permissions.get_site_for(principal(request), site_id, perm=Perm.VIEW_CONTENT)
    return selectors.list_channels(site=site)


@router.post("/sites/{site_id}/channels", response={201: ChannelOut})
def create_channel(request: HttpRequest, site_id: int, payload: ChannelIn) -> Status[Channel]:
    actor = principal(request)
    site = permissions.get_site_for(actor, site_id, perm=Perm.MANAGE_SITES)
    channel = services.create_channel(site=site, actor=actor, **payload.dict())
    return Status(201, channel)


@router.get("/channels/{channel_id}", response=ChannelOut)
def get_channel(request: HttpRequest, channel_id: int) -> Channel:
    return permissions.get_channel_for(principal(request), channel_id, perm=Perm.VIEW_CONTENT)


@router.patch("/channels/{channel_id}", response=ChannelOut)
def update_channel(request: HttpRequest, channel_id: int, payload: ChannelPatch) -> Channel:
    actor = principal(request)
    channel = permissions.get_channel_for(actor, channel_id, perm=Perm.MANAGE_SITES)
    return services.update_channel(channel=channel, actor=actor, **payload.dict(exclude_unset=True))


# --- intake -------------------------------------------------------------------------------


@router.post("/content", response={200: SubmissionOut, 201: SubmissionOut})
def submit_content(request: HttpRequest, payload: ContentIn) -> Status[dict[str, Any]]:
    """Submit a text; the answer says at once what the site may do with it.

    ``published``: show it. ``queued``: hold it until a reviewer decides (poll this item or
    receive the webhook). ``auto_blocked``: do not show it. 201 for a new text, 200 when the
    same (site, external id) and text were submitted before (nothing changes).

    ``scan_pending``: the attachments wait for ClamAV; hold the item until this item, or the
    ``moderation.item_scanned`` webhook, says what it became. A file over the limits is 413,
    too many files or bad base64 422, and nothing is stored.
    """
    actor = principal(request)
    site = permissions.get_site_for(actor, payload.site_id, perm=Perm.SUBMIT_CONTENT)
    files = [
        attached.from_base64(name=f.name, content_type=f.content_type, data_base64=f.data_base64)
        for f in payload.attachments
    ]
    submission = services.submit_content(
        site=site,
        channel_key=payload.channel,
        external_id=payload.external_id,
        author_external_id=payload.author.external_id,
        author_is_minor=payload.author.is_minor,
        text=payload.text,
        parent_external_id=payload.parent_external_id,
        thread_external_id=payload.thread_external_id,
        language=payload.language,
        attachments=files,
        actor=actor,
    )
    verdict = submission.revision.verdict
    status = 201 if submission.is_new_revision else 200
    return Status(
        status,
        {
            "id": submission.item.pk,
            "status": submission.item.status,
            "revision": submission.revision.number,
            "is_new_revision": submission.is_new_revision,
            "verdict": {
                k: verdict.get(k) for k in ("action", "score", "codes", "author_restricted")
            },
        },
    )


@router.get("/content/{item_id}", response=ContentOut)
def get_content(request: HttpRequest, item_id: int) -> ContentItem:
    """The item's status, current revision, verdict and every decision on it."""
    return permissions.get_item_for(principal(request), item_id, perm=Perm.VIEW_CONTENT)


# --- review -------------------------------------------------------------------------------


@router.get("/review-queue", response=list[QueueItemOut])
@paginate(LimitOffsetPagination)
def review_queue(request: HttpRequest, tenant_id: int | None = None) -> Any:
    """Queued items the caller may review: overdue first, then escalated, severity, deadline."""
    permissions.require_reviewer(principal(request))
    return selectors.review_queue(principal=principal(request), tenant_id=tenant_id)


@router.post("/content/{item_id}/claim", response=QueueItemOut)
def claim_content(request: HttpRequest, item_id: int) -> ContentItem:
    actor = principal(request)
    item = permissions.get_item_for(actor, item_id, perm=Perm.REVIEW_CONTENT)
    return services.claim_item(item=item, actor=actor)


@router.post("/content/{item_id}/release", response=QueueItemOut)
def release_content(request: HttpRequest, item_id: int) -> ContentItem:
    actor = principal(request)
    item = permissions.get_item_for(actor, item_id, perm=Perm.REVIEW_CONTENT)
    return services.release_item(item=item, actor=actor)


@router.post("/content/{item_id}/decisions", response={201: DecisionOut})
def decide_content(request: HttpRequest, item_id: int, payload: DecisionIn) -> Status[Decision]:
    """Approve, reject (with a reason code), escalate, remove or restore the item."""
    actor = principal(request)
    item = permissions.get_item_for(actor, item_id, perm=Perm.REVIEW_CONTENT)
    decision = services.decide_item(
        item=item,
        action=payload.action,
        reason_code=payload.reason_code,
        note=payload.note,
        actor=actor,
    )
    return Status(201, decision)
