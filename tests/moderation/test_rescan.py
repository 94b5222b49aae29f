"""Rescanning attachments whose scan failed (CON-4): a failed scan blocks the item (fail
closed); once the cause is gone (the stored file restored, clamd's limit raised) a reviewer
of the item or the provider's operator scans it again, and a real clamd's new verdict moves
the item on as at intake. Every rescan is on the item's audit history."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from tests.clamd import EICAR, EICAR_SIGNATURE
from tests.factories import AuthorRestrictionFactory, ChannelFactory, MembershipFactory
from tests.moderation.conftest import CLEAN

from xinan.audit.models import AuditEvent
from xinan.moderation import attachments, selectors, services
from xinan.moderation.models import Attachment, Channel, ContentItem

pytestmark = pytest.mark.django_db

Status = ContentItem.Status
ScanStatus = Attachment.ScanStatus
FILE = "一个干净的附件，内容无害。\n".encode()


@pytest.fixture(autouse=True)
def attachments_dir(settings, tmp_path: Path) -> Path:
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    return settings.ATTACHMENTS_DIR


@pytest.fixture
def post_channel(site) -> Channel:
    return ChannelFactory(site=site, key="chat", review_mode=Channel.ReviewMode.POST_REVIEW)


def _submit(site, channel, data: bytes = FILE, external_id: str = "c-1"):
    return services.submit_content(
        site=site,
        channel_key=channel.key,
        external_id=external_id,
        author_external_id="u-1",
        author_is_minor=False,
        text=CLEAN,
        attachments=[attachments.IncomingFile(name="a.txt", content_type="text/plain", data=data)],
        actor=None,
    ).item


def _failed_item(site, channel, attachments_dir: Path, capture, external_id: str = "c-1"):
    """An item whose scan failed the real way: its stored bytes changed before the scan.
    Returns the item and the original bytes' path, to restore them."""
    item = _submit(site, channel, external_id=external_id)
    path = attachments_dir / Attachment.objects.get(item=item).stored_name
    path.write_bytes(b"altered on disk")
    with capture(execute=True):
        attachments.scan_item(item_id=item.pk)
    item.refresh_from_db()
    assert item.status == Status.AUTO_BLOCKED
    assert Attachment.objects.get(item=item).scan_status == ScanStatus.FAILED
    return item, path


# --- the service --------------------------------------------------------------------------


def test_rescan_restored_file_post_review_item_is_published(
    site,
    post_channel,
    clamd,
    attachments_dir,
    customer_reviewer,
    django_capture_on_commit_callbacks,
):
    # given: a post-review item blocked by a failed scan, whose file is then restored
    item, path = _failed_item(
        site, post_channel, attachments_dir, django_capture_on_commit_callbacks
    )
    assert item.status_after_scan == Status.PUBLISHED  # the filter's choice, kept for a rescan
    path.write_bytes(FILE)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        attachments.rescan(item=item, actor=customer_reviewer)
    # then: clamd found it clean, so it is published as the filter and the policy chose
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert item.status_after_scan == ""
    attachment = Attachment.objects.get(item=item)
    assert attachment.scan_status == ScanStatus.CLEAN
    assert attachment.engine_version.startswith("ClamAV ")
    assert attachment.attempts == 1  # counted from zero again
    # and the history shows the rescan, by whom, between the two scans
    actions = [e.action for e in selectors.item_history(item=item)]
    assert actions[-3:] == [
        "moderation.attachments_scanned",
        "moderation.rescan_requested",
        "moderation.attachments_scanned",
    ]
    event = AuditEvent.objects.get(action="moderation.rescan_requested")
    assert event.actor_label == customer_reviewer.username
    changes = json.loads(event.changes)
    assert changes["status"] == ["auto_blocked", "scan_pending"]
    assert changes["status_after_scan"] == ["published", "published"]
    assert changes["attachments"][0] == f"{attachment.sha256[:16]}:failed:" + (
        "the stored bytes do not match the hashes recorded at intake"
    )
    assert changes["attachments"][1] == f"{attachment.sha256[:16]}:pending"
    last = json.loads(
        AuditEvent.objects.filter(action="moderation.attachments_scanned")
        .order_by("id")
        .last()
        .changes
    )
    assert last["status"] == ["scan_pending", "published"]


def test_rescan_pre_review_item_is_queued_with_sla(
    site, channel, clamd, attachments_dir, staff_reviewer, django_capture_on_commit_callbacks
):
    item, path = _failed_item(site, channel, attachments_dir, django_capture_on_commit_callbacks)
    path.write_bytes(FILE)
    with django_capture_on_commit_callbacks(execute=True):
        attachments.rescan(item=item, actor=staff_reviewer)
    item.refresh_from_db()
    assert item.status == Status.QUEUED
    assert item.due_at is not None


def test_rescan_file_still_altered_fails_and_blocks_again(
    site, post_channel, clamd, attachments_dir, staff_reviewer, django_capture_on_commit_callbacks
):
    item, _path = _failed_item(
        site, post_channel, attachments_dir, django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        attachments.rescan(item=item, actor=staff_reviewer)
    item.refresh_from_db()
    assert item.status == Status.AUTO_BLOCKED
    assert Attachment.objects.get(item=item).scan_status == ScanStatus.FAILED
    # and it can be tried again, e.g. after the file is restored
    assert attachments.can_rescan(item)


def test_rescan_eicar_whose_scan_had_failed_is_blocked_as_malware(
    site, post_channel, clamd, staff_reviewer, django_capture_on_commit_callbacks
):
    # given: set through the model, an EICAR file whose scan failed (e.g. over clamd's limit)
    item = _submit(site, post_channel, data=EICAR)
    Attachment.objects.filter(item=item).update(
        scan_status=ScanStatus.FAILED, scan_error="INSTREAM size limit exceeded", attempts=1
    )
    ContentItem.objects.filter(pk=item.pk).update(status=Status.AUTO_BLOCKED)
    item.refresh_from_db()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        attachments.rescan(item=item, actor=staff_reviewer)
    # then
    item.refresh_from_db()
    assert item.status == Status.AUTO_BLOCKED
    attachment = Attachment.objects.get(item=item)
    assert attachment.scan_status == ScanStatus.INFECTED
    assert attachment.signature.startswith(EICAR_SIGNATURE)
    last = json.loads(
        AuditEvent.objects.filter(action="moderation.attachments_scanned")
        .order_by("id")
        .last()
        .changes
    )
    assert last["reason_code"] == [None, "malware"]
    # an infected file keeps it blocked: nothing more to rescan
    assert not attachments.can_rescan(item)
    with pytest.raises(attachments.NothingToRescan):
        attachments.rescan(item=item, actor=staff_reviewer)


def test_rescan_failed_file_beside_infected_one_is_refused(
    site, post_channel, clamd_down, staff_reviewer
):
    item = services.submit_content(
        site=site,
        channel_key=post_channel.key,
        external_id="c-2",
        author_external_id="u-1",
        author_is_minor=False,
        text=CLEAN,
        attachments=[
            attachments.IncomingFile(name="a.txt", content_type="text/plain", data=FILE),
            attachments.IncomingFile(name="b.com", content_type="text/plain", data=EICAR),
        ],
        actor=None,
    ).item
    first, second = Attachment.objects.filter(item=item).order_by("position")
    Attachment.objects.filter(pk=first.pk).update(scan_status=ScanStatus.FAILED)
    Attachment.objects.filter(pk=second.pk).update(
        scan_status=ScanStatus.INFECTED, signature=EICAR_SIGNATURE
    )
    ContentItem.objects.filter(pk=item.pk).update(status=Status.AUTO_BLOCKED)
    item.refresh_from_db()
    assert not attachments.can_rescan(item)
    with pytest.raises(attachments.NothingToRescan, match="infected"):
        attachments.rescan(item=item, actor=staff_reviewer)
    assert Attachment.objects.get(pk=first.pk).scan_status == ScanStatus.FAILED


def test_rescan_author_restricted_since_stays_blocked(
    site, post_channel, clamd, attachments_dir, staff_reviewer, django_capture_on_commit_callbacks
):
    item, path = _failed_item(
        site, post_channel, attachments_dir, django_capture_on_commit_callbacks
    )
    path.write_bytes(FILE)
    AuthorRestrictionFactory(site=site, author_external_id="u-1")  # ENF-1: muted meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        attachments.rescan(item=item, actor=staff_reviewer)
    item.refresh_from_db()
    assert item.status == Status.AUTO_BLOCKED
    assert Attachment.objects.get(item=item).scan_status == ScanStatus.CLEAN
    changes = json.loads(AuditEvent.objects.get(action="moderation.rescan_requested").changes)
    assert changes["author_restricted"] == [None, "mute"]


def test_rescan_item_blocked_without_kept_state_goes_to_a_reviewer(
    site, post_channel, clamd, attachments_dir, staff_reviewer, django_capture_on_commit_callbacks
):
    # given: blocked before the filter's choice was kept (status_after_scan empty)
    item, path = _failed_item(
        site, post_channel, attachments_dir, django_capture_on_commit_callbacks
    )
    ContentItem.objects.filter(pk=item.pk).update(status_after_scan="")
    item.refresh_from_db()
    path.write_bytes(FILE)
    with django_capture_on_commit_callbacks(execute=True):
        attachments.rescan(item=item, actor=staff_reviewer)
    item.refresh_from_db()
    assert item.status == Status.QUEUED


@pytest.mark.parametrize("status", [Status.QUEUED, Status.PUBLISHED, Status.SCAN_PENDING])
def test_rescan_item_not_blocked_is_refused(site, post_channel, clamd_down, staff_reviewer, status):
    item = _submit(site, post_channel)
    Attachment.objects.filter(item=item).update(scan_status=ScanStatus.FAILED)
    ContentItem.objects.filter(pk=item.pk).update(status=status)
    item.refresh_from_db()
    with pytest.raises(attachments.NothingToRescan):
        attachments.rescan(item=item, actor=staff_reviewer)
    assert not AuditEvent.objects.filter(action="moderation.rescan_requested").exists()
    assert Attachment.objects.get(item=item).scan_status == ScanStatus.FAILED


def test_rescan_blocked_item_without_failed_file_is_refused(
    site, post_channel, clamd_down, staff_reviewer
):
    item = _submit(site, post_channel)
    Attachment.objects.filter(item=item).update(scan_status=ScanStatus.CLEAN)
    ContentItem.objects.filter(pk=item.pk).update(status=Status.AUTO_BLOCKED)
    item.refresh_from_db()
    assert not attachments.can_rescan(item)
    with pytest.raises(attachments.NothingToRescan):
        attachments.rescan(item=item, actor=staff_reviewer)


@pytest.fixture
def clamd_down(settings, tmp_path: Path) -> None:
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 1.0


# --- the item page ------------------------------------------------------------------------


def test_item_page_rescan_button_rescans_for_the_items_reviewer(
    client,
    site,
    post_channel,
    clamd,
    attachments_dir,
    customer_reviewer,
    django_capture_on_commit_callbacks,
):
    item, path = _failed_item(
        site, post_channel, attachments_dir, django_capture_on_commit_callbacks
    )
    path.write_bytes(FILE)
    client.force_login(customer_reviewer)
    url = reverse("moderation:item-rescan", args=[item.pk])
    # given: the item page offers the button
    page = client.get(reverse("moderation:item-detail", args=[item.pk]))
    assert f'action="{url}"' in page.content.decode()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:item-detail", args=[item.pk])
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    page = client.get(response["Location"])
    content = page.content.decode()
    assert "moderation.rescan_requested" in content  # on the item's history
    assert f'action="{url}"' not in content  # nothing failed any more


def test_item_rescan_needs_post(client, site, post_channel, clamd_down, customer_reviewer):
    item = _submit(site, post_channel)
    client.force_login(customer_reviewer)
    assert client.get(reverse("moderation:item-rescan", args=[item.pk])).status_code == 405


def test_item_rescan_not_blocked_shows_error_and_changes_nothing(
    client, site, post_channel, clamd_down, customer_reviewer
):
    item = _submit(site, post_channel)
    client.force_login(customer_reviewer)
    response = client.post(reverse("moderation:item-rescan", args=[item.pk]), follow=True)
    assert response.status_code == 200
    assert "没有可重新扫描的失败附件" in response.content.decode()
    item.refresh_from_db()
    assert item.status == Status.SCAN_PENDING
    assert not AuditEvent.objects.filter(action="moderation.rescan_requested").exists()


def test_item_rescan_member_without_review_perm_is_403(
    client, site, post_channel, clamd_down, customer
):
    item = _submit(site, post_channel)
    Attachment.objects.filter(item=item).update(scan_status=ScanStatus.FAILED)
    ContentItem.objects.filter(pk=item.pk).update(status=Status.AUTO_BLOCKED)
    client.force_login(MembershipFactory(tenant=customer).user)
    assert client.post(reverse("moderation:item-rescan", args=[item.pk])).status_code == 403
    assert Attachment.objects.get(item=item).scan_status == ScanStatus.FAILED


def test_item_rescan_other_tenants_reviewer_is_404(client, site, post_channel, clamd_down):
    item = _submit(site, post_channel)
    Attachment.objects.filter(item=item).update(scan_status=ScanStatus.FAILED)
    ContentItem.objects.filter(pk=item.pk).update(status=Status.AUTO_BLOCKED)
    client.force_login(MembershipFactory(role="reviewer").user)
    assert client.post(reverse("moderation:item-rescan", args=[item.pk])).status_code == 404
    assert Attachment.objects.get(item=item).scan_status == ScanStatus.FAILED


# --- the command --------------------------------------------------------------------------


def test_command_rescans_items_failed_since_and_skips_older(
    site,
    post_channel,
    clamd,
    attachments_dir,
    staff_admin,
    django_capture_on_commit_callbacks,
    capsys,
):
    # given: one item failed long ago, one recently; both files restored
    old, old_path = _failed_item(
        site, post_channel, attachments_dir, django_capture_on_commit_callbacks, "c-old"
    )
    Attachment.objects.filter(item=old).update(scanned_at=timezone.now() - timedelta(days=3))
    recent, recent_path = _failed_item(
        site, post_channel, attachments_dir, django_capture_on_commit_callbacks, "c-new"
    )
    old_path.write_bytes(FILE)
    recent_path.write_bytes(FILE)
    since = (timezone.now() - timedelta(days=1)).isoformat()
    # when: a dry run first, then the rescan, named after the operator
    call_command("rescan_failed_scans", "--since", since, "--dry-run")
    assert capsys.readouterr().out.split() == [str(recent.pk)]
    assert not AuditEvent.objects.filter(action="moderation.rescan_requested").exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rescan_failed_scans", "--since", since, "--actor", staff_admin.username)
    # then
    assert f"{recent.pk} rescan" in capsys.readouterr().out
    recent.refresh_from_db()
    old.refresh_from_db()
    assert recent.status == Status.PUBLISHED
    assert old.status == Status.AUTO_BLOCKED
    event = AuditEvent.objects.get(action="moderation.rescan_requested")
    assert (event.target_id, event.actor_label) == (str(recent.pk), staff_admin.username)


def test_command_item_not_blocked_is_skipped_with_why(site, post_channel, clamd_down, capsys):
    item = _submit(site, post_channel)
    call_command("rescan_failed_scans", "--item", str(item.pk))
    assert f"{item.pk} skipped: only an item blocked" in capsys.readouterr().out


def test_command_unknown_actor_is_refused(db):
    with pytest.raises(CommandError, match="--actor"):
        call_command("rescan_failed_scans", "--actor", "nobody")


def test_failed_item_ids_ignores_failed_files_of_earlier_revisions(
    site, post_channel, clamd_down, attachments_dir
):
    # given: revision 1's file failed, then an edit brought another file, still pending
    item = _submit(site, post_channel)
    Attachment.objects.filter(item=item).update(scan_status=ScanStatus.FAILED)
    ContentItem.objects.filter(pk=item.pk).update(status=Status.AUTO_BLOCKED)
    services.submit_content(
        site=site,
        channel_key=post_channel.key,
        external_id="c-1",
        author_external_id="u-1",
        author_is_minor=False,
        text=CLEAN,
        attachments=[attachments.IncomingFile(name="b.txt", content_type="text/plain", data=b"b")],
        actor=None,
    )
    ContentItem.objects.filter(pk=item.pk).update(status=Status.AUTO_BLOCKED)
    assert attachments.failed_item_ids() == []
