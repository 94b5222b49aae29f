"""Attachments (issue 5, CON-4): stored privately, hashed, scanned by a real clamd before the
item goes anywhere; over the limits nothing is stored; clamd down, the item waits and is
retried; nobody publishes or downloads what ClamAV did not clear."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from tests.clamd import EICAR, EICAR_SIGNATURE, clamd_binary, start_clamd, stop_clamd
from tests.client import Client
from tests.factories import (
    ApiKeyFactory,
    AttachmentFactory,
    ChannelFactory,
    ContentItemFactory,
    MembershipFactory,
    WebhookEndpointFactory,
)
from tests.helpers import assert_problem, bearer
from tests.moderation.conftest import BLOCK, CLEAN

from xinan.audit.models import AuditEvent
from xinan.core.exceptions import ValidationFailed
from xinan.moderation import attachments, services, tasks
from xinan.moderation.models import Attachment, Channel, ContentItem, Revision
from xinan.tenants.roles import Role
from xinan.webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

CONTENT_URL = "/api/v1/content"
CLEAN_FILE = "一个干净的附件，内容无害。\n".encode()
Status = ContentItem.Status
ScanStatus = Attachment.ScanStatus


@pytest.fixture(autouse=True)
def attachments_dir(settings, tmp_path: Path) -> Path:
    """Each test's own private folder, so "nothing on disk" is checked on this test's files."""
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"
    return settings.ATTACHMENTS_DIR


@pytest.fixture
def clamd_down(settings, tmp_path: Path) -> None:
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd.sock")
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 1.0


@pytest.fixture
def writer_key(customer):
    return ApiKeyFactory(tenant=customer, scopes=["content:read", "content:write"])


def _stored_files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


def _file(name: str, data: bytes, content_type: str = "text/plain") -> dict[str, str]:
    return {
        "name": name,
        "content_type": content_type,
        "data_base64": base64.b64encode(data).decode(),
    }


def _body(site, *files: dict[str, str], text: str = CLEAN, **overrides: object) -> str:
    body: dict[str, object] = {
        "site_id": site.pk,
        "channel": "comments",
        "external_id": "c-1",
        "author": {"external_id": "u-1"},
        "text": text,
        "attachments": list(files),
    }
    body.update(overrides)
    return json.dumps(body)


def _submit(client: Client, key, site, *files: dict[str, str], **overrides: object):
    return client.post(
        CONTENT_URL,
        _body(site, *files, **overrides),
        content_type="application/json",
        headers=bearer(key),
    )


def _incoming(data: bytes = CLEAN_FILE, name: str = "note.txt") -> attachments.IncomingFile:
    return attachments.IncomingFile(name=name, content_type="text/plain", data=data)


def _submit_service(site, channel, *files: attachments.IncomingFile, text: str = CLEAN, **kw):
    return services.submit_content(
        site=site,
        channel_key=channel.key,
        external_id=kw.pop("external_id", "c-1"),
        author_external_id="u-1",
        author_is_minor=False,
        text=text,
        attachments=files,
        actor=None,
        **kw,
    )


# --- intake: stored, hashed, held in scan_pending -----------------------------------------


def test_submit_with_attachment_answers_scan_pending_and_records_hashes(
    api_client, site, channel, writer_key, attachments_dir, clamd_down
):
    # when: clamd is down, so the item cannot move on
    response = _submit(api_client, writer_key, site, _file("说明.txt", CLEAN_FILE))
    # then
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "scan_pending"
    item = ContentItem.objects.get()
    assert item.status == Status.SCAN_PENDING
    assert item.status_after_scan == Status.QUEUED  # a pre-reviewed channel
    assert item.due_at is None  # the SLA starts when a reviewer can act on it
    attachment = Attachment.objects.get()
    assert attachment.revision == item.current_revision
    assert attachment.filename == "说明.txt"
    assert attachment.size == len(CLEAN_FILE)
    assert attachment.md5 == hashlib.md5(CLEAN_FILE).hexdigest()  # noqa: S324  # the recorded MD5
    assert attachment.sha256 == hashlib.sha256(CLEAN_FILE).hexdigest()
    assert attachment.scan_status == ScanStatus.PENDING
    stored = attachments_dir / attachment.stored_name
    assert stored.read_bytes() == CLEAN_FILE
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    received = AuditEvent.objects.get(action="moderation.content_received")
    assert json.loads(received.changes)["attachments"] == [None, attachment.sha256]


def test_submit_without_attachments_is_not_held(api_client, site, channel, writer_key):
    response = _submit(api_client, writer_key, site)
    assert response.json()["status"] == "queued"
    assert ContentItem.objects.get().status_after_scan == ""
    assert not Attachment.objects.exists()


def test_production_default_stores_outside_served_paths(tmp_path):
    # The tests point ATTACHMENTS_DIR at their own folder, so read what the real settings
    # give with nothing configured, in a fresh interpreter.
    names = (
        "XINAN_DATA_DIR",
        "ATTACHMENTS_DIR",
        "STATIC_ROOT",
        "XINAN_ENV",
        "DJANGO_SETTINGS_MODULE",
    )
    environment = {k: v for k, v in os.environ.items() if k not in names}
    script = (
        "import json; from xinan.config import settings as s; "
        "print(json.dumps([str(s.ATTACHMENTS_DIR), str(s.STATIC_ROOT), str(s.PACKAGE_DIR)]))"
    )
    result = subprocess.run(  # noqa: S603  # our own interpreter and a fixed script
        [sys.executable, "-c", script],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    stored, static_root, package = (Path(p).resolve() for p in json.loads(result.stdout))
    # then: neither folder inside the other, nor inside the source tree (app static files)
    assert not stored.is_relative_to(static_root)
    assert not static_root.is_relative_to(stored)
    assert not stored.is_relative_to(package)


def test_storage_has_no_url(site, channel, clamd_down):
    _submit_service(site, channel, _incoming())
    with pytest.raises(NotImplementedError):
        attachments._storage().url(Attachment.objects.get().stored_name)


# --- the scan -----------------------------------------------------------------------------


def test_clean_file_pre_review_is_queued_after_scan(
    api_client, site, channel, writer_key, clamd, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(api_client, writer_key, site, _file("a.txt", CLEAN_FILE))
    # then
    assert response.json()["status"] == "scan_pending"
    item = ContentItem.objects.get()
    assert item.status == Status.QUEUED
    assert item.due_at is not None
    assert item.status_after_scan == ""
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.CLEAN
    assert attachment.engine_version.startswith("ClamAV ")
    assert attachment.scanned_at is not None
    event = AuditEvent.objects.get(action="moderation.attachments_scanned")
    assert json.loads(event.changes)["status"] == ["scan_pending", "queued"]
    assert event.actor_type == "system"


def test_clean_file_post_review_is_published_after_scan(
    site, clamd, django_capture_on_commit_callbacks
):
    channel = ChannelFactory(site=site, key="chat", review_mode=Channel.ReviewMode.POST_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        submission = _submit_service(site, channel, _incoming())
    assert submission.item.status == Status.SCAN_PENDING
    submission.item.refresh_from_db()
    assert submission.item.status == Status.PUBLISHED


def test_clean_file_with_blocked_text_is_auto_blocked_after_scan(
    site, channel, clamd, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = _submit_service(site, channel, _incoming(), text=BLOCK)
    item = ContentItem.objects.get(pk=submission.item.pk)
    assert item.status == Status.AUTO_BLOCKED
    # The text filter's verdict from intake stays on the revision.
    assert item.current_revision.verdict["action"] == "block"


def test_eicar_upload_is_blocked_as_malware(
    api_client, site, channel, writer_key, customer, clamd, django_capture_on_commit_callbacks
):
    # given: the site listens for webhooks
    WebhookEndpointFactory(tenant=customer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _submit(
            api_client,
            writer_key,
            site,
            _file("ok.txt", CLEAN_FILE),
            _file("eicar.com", EICAR, "application/octet-stream"),
        )
    # then
    item = ContentItem.objects.get()
    assert item.status == Status.AUTO_BLOCKED
    clean, infected = Attachment.objects.order_by("position")
    assert clean.scan_status == ScanStatus.CLEAN
    assert infected.scan_status == ScanStatus.INFECTED
    assert infected.signature.startswith(EICAR_SIGNATURE)
    assert infected.md5 == "44d88612fea8a8f36de82e1278abb02f"
    changes = json.loads(AuditEvent.objects.get(action="moderation.attachments_scanned").changes)
    assert changes["status"] == ["scan_pending", "auto_blocked"]
    assert changes["reason_code"] == [None, "malware"]
    assert EICAR_SIGNATURE in changes["attachments"][1]
    delivery = WebhookDelivery.objects.get(event_type="moderation.item_scanned")
    assert delivery.payload["status"] == "auto_blocked"
    assert delivery.payload["reason_code"] == "malware"
    assert [a["scan_status"] for a in delivery.payload["attachments"]] == ["clean", "infected"]


def test_eicar_blocked_item_cannot_be_restored(
    site, channel, clamd, staff_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = _submit_service(site, channel, _incoming(EICAR))
    item = ContentItem.objects.get(pk=submission.item.pk)
    assert item.status == Status.AUTO_BLOCKED
    with pytest.raises(services.TransitionNotAllowed, match="ClamAV"):
        services.decide_item(item=item, action="restore", actor=staff_reviewer)


def test_stored_bytes_changed_after_intake_fail_closed(
    site, channel, clamd, attachments_dir, django_capture_on_commit_callbacks
):
    # given: someone alters the file on disk before the scan
    submission = _submit_service(site, channel, _incoming())
    attachment = Attachment.objects.get()
    (attachments_dir / attachment.stored_name).write_bytes(b"something else")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        attachments.scan_item(item_id=submission.item.pk)
    # then
    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.FAILED
    assert "hashes" in attachment.scan_error
    assert ContentItem.objects.get().status == Status.AUTO_BLOCKED


# --- clamd down: nothing published unscanned, retried later -------------------------------


def test_clamd_down_item_waits_then_sweep_after_clamd_starts_proceeds(
    site, settings, tmp_path, clamd_server, django_capture_on_commit_callbacks
):
    # given: a post-reviewed channel, which would publish a clean text at once, and no clamd
    # yet where xinan expects it (clamd_server only makes the test skip where none is installed)
    channel = ChannelFactory(site=site, key="chat", review_mode=Channel.ReviewMode.POST_REVIEW)
    directory = tmp_path / "late-clamd"
    settings.CLAMD_SOCKET = str(directory / "clamd.sock")
    settings.CLAMD_HOST = ""
    settings.CLAMD_TIMEOUT = 10.0
    # when: the scan task runs while clamd is down
    with django_capture_on_commit_callbacks(execute=True):
        submission = _submit_service(site, channel, _incoming())
    # then: the item waits, the file is pending with a backoff
    item = ContentItem.objects.get(pk=submission.item.pk)
    assert item.status == Status.SCAN_PENDING
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.PENDING
    assert attachment.attempts == 1
    assert "cannot connect" in attachment.scan_error
    assert attachment.next_attempt_at > timezone.now()
    assert attachments.due_item_ids() == []  # not before its backoff
    # and no reviewer can publish it meanwhile
    with pytest.raises(services.TransitionNotAllowed):
        services.decide_item(item=item, action="approve", actor=MembershipFactory().user)
    # when: a sweep after the backoff, still down
    with time_machine.travel(attachment.next_attempt_at + timedelta(seconds=1)):
        assert attachments.due_item_ids() == [item.pk]
        tasks.sweep_scans.call_local()
    attachment.refresh_from_db()
    assert attachment.attempts == 2
    assert attachment.scan_status == ScanStatus.PENDING
    assert ContentItem.objects.get(pk=item.pk).status == Status.SCAN_PENDING
    # when: clamd starts at that socket, and the next sweep comes
    binary = clamd_binary()
    assert binary is not None
    late = start_clamd(directory, binary)
    try:
        with time_machine.travel(attachment.next_attempt_at + timedelta(seconds=1)):
            tasks.sweep_scans.call_local()
    finally:
        stop_clamd(late)
    # then
    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.CLEAN
    assert attachment.attempts == 3
    assert ContentItem.objects.get(pk=item.pk).status == Status.PUBLISHED


def test_backoff_doubles_and_is_capped():
    assert attachments.backoff(1) == timedelta(seconds=30)
    assert attachments.backoff(2) == timedelta(seconds=60)
    assert attachments.backoff(50) == attachments.BACKOFF_CAP


def test_scan_item_file_claimed_after_it_was_read_is_not_scanned_twice(site, channel, clamd_down):
    # given: a due file
    submission = _submit_service(site, channel, _incoming())
    attachment = Attachment.objects.get()
    assert attachment.next_attempt_at <= timezone.now()
    lease = timezone.now() + attachments.SCAN_LEASE
    claimed_elsewhere = []

    def other_worker_claims(execute, sql, params, many, context):
        # right after this worker read the due files, another one claims the file
        result = execute(sql, params, many, context)
        is_read = sql.lstrip().upper().startswith("SELECT") and Attachment._meta.db_table in sql
        if is_read and not claimed_elsewhere:
            claimed_elsewhere.append(
                Attachment.objects.filter(pk=attachment.pk).update(
                    next_attempt_at=lease, attempts=F("attempts") + 1
                )
            )
        return result

    # when
    with connection.execute_wrapper(other_worker_claims):
        assert attachments.scan_item(item_id=submission.item.pk) is not None
    # then: the claim found the row changed, so this worker neither tried clamd (down: it
    # would have counted an attempt and postponed the file) nor touched the other's lease
    assert claimed_elsewhere == [1]
    attachment.refresh_from_db()
    assert (attachment.attempts, attachment.next_attempt_at) == (1, lease)
    assert attachment.scan_error == ""
    assert attachment.scan_status == ScanStatus.PENDING


def test_edit_of_item_still_scanning_is_not_published_unseen(site, clamd_down):
    channel = ChannelFactory(site=site, key="chat", review_mode=Channel.ReviewMode.POST_REVIEW)
    _submit_service(site, channel, _incoming())
    submission = _submit_service(site, channel, text="改过的文字，没有附件")
    assert submission.item.status == Status.QUEUED


# --- idempotency and edits ----------------------------------------------------------------


def test_same_text_and_files_again_changes_nothing(
    api_client, site, channel, writer_key, clamd_down
):
    first = _submit(api_client, writer_key, site, _file("a.txt", CLEAN_FILE))
    again = _submit(api_client, writer_key, site, _file("a.txt", CLEAN_FILE))
    assert (first.status_code, again.status_code) == (201, 200)
    assert Attachment.objects.count() == 1
    assert Revision.objects.count() == 1


def test_same_text_other_file_is_an_edit(api_client, site, channel, writer_key, clamd_down):
    _submit(api_client, writer_key, site, _file("a.txt", CLEAN_FILE))
    response = _submit(api_client, writer_key, site, _file("a.txt", b"another file"))
    assert response.status_code == 201
    assert response.json()["revision"] == 2
    assert Attachment.objects.filter(revision__number=2).count() == 1


# --- bad input: a clear 4xx, nothing stored -----------------------------------------------


def _nothing_stored(directory: Path) -> None:
    assert not ContentItem.objects.exists()
    assert not Revision.objects.exists()
    assert not Attachment.objects.exists()
    assert _stored_files(directory) == []


def test_oversized_file_is_413_and_nothing_stored(
    api_client, site, channel, writer_key, settings, attachments_dir
):
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = _submit(api_client, writer_key, site, _file("big.bin", b"x" * 1001))
    assert_problem(response, 413, "attachment-too-large")
    _nothing_stored(attachments_dir)


def test_oversized_file_under_encoded_estimate_is_413(
    api_client, site, channel, writer_key, settings, attachments_dir
):
    # 1001 bytes encode to 1336 characters: the estimate lets it through, the size does not.
    settings.ATTACHMENT_MAX_BYTES = 1000
    response = _submit(
        api_client, writer_key, site, _file("a.bin", b"x" * 999), _file("b", b"y" * 1001)
    )
    assert_problem(response, 413, "attachment-too-large")
    _nothing_stored(attachments_dir)


def test_total_over_limit_is_413_and_nothing_stored(
    api_client, site, channel, writer_key, settings, attachments_dir
):
    settings.ATTACHMENT_MAX_TOTAL_BYTES = 1500
    files = [_file(f"{n}.txt", b"z" * 800) for n in range(2)]
    response = _submit(api_client, writer_key, site, *files)
    assert_problem(response, 413, "attachment-too-large")
    _nothing_stored(attachments_dir)


def test_body_over_request_limit_is_413_and_nothing_stored(
    api_client, site, channel, writer_key, settings, attachments_dir
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    response = _submit(api_client, writer_key, site, _file("big.bin", b"x" * 5000))
    assert_problem(response, 413, "payload-too-large")
    _nothing_stored(attachments_dir)


def test_too_many_files_is_422_and_nothing_stored(
    api_client, site, channel, writer_key, settings, attachments_dir
):
    settings.ATTACHMENT_MAX_FILES = 2
    files = [_file(f"{n}.txt", CLEAN_FILE) for n in range(3)]
    response = _submit(api_client, writer_key, site, *files)
    assert_problem(response, 422, "validation-failed")
    _nothing_stored(attachments_dir)


@pytest.mark.parametrize(
    "attachment",
    [
        {"name": "a.txt", "data_base64": "not base64!"},
        {"name": "a.txt", "data_base64": ""},
        {"name": "../", "data_base64": "aGk="},
        {"name": "a.txt", "content_type": "text", "data_base64": "aGk="},
        {"name": "a.txt", "content_type": "text/<script>", "data_base64": "aGk="},
        {"data_base64": "aGk="},
    ],
    ids=["bad-base64", "empty", "no-file-name", "no-subtype", "bad-type", "no-name"],
)
def test_bad_attachment_is_422_and_nothing_stored(
    api_client, site, channel, writer_key, attachments_dir, attachment
):
    response = _submit(api_client, writer_key, site, attachment)
    assert_problem(response, 422, "validation-failed")
    _nothing_stored(attachments_dir)


def test_bad_text_with_files_stores_no_file(site, channel, attachments_dir):
    with pytest.raises(ValidationFailed):
        _submit_service(site, channel, _incoming(), text="坏\x00文字")
    _nothing_stored(attachments_dir)


def test_failure_after_files_written_removes_them(site, channel, attachments_dir, monkeypatch):
    # given: the intake's transaction fails after the files were written
    def broken_record(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services.audit, "record", broken_record)
    # when
    with pytest.raises(RuntimeError, match="audit store down"):
        _submit_service(site, channel, _incoming(), _incoming(b"second", name="b.txt"))
    # then: rolled back, and the files are gone too
    _nothing_stored(attachments_dir)


def test_name_is_shown_without_path_or_control_characters(site, channel, clamd_down):
    _submit_service(site, channel, _incoming(name="C:\\Users\\x\\照片\x07.jpg"))
    assert Attachment.objects.get().filename == "照片.jpg"


# --- showing and downloading --------------------------------------------------------------


def test_get_content_lists_current_attachments(api_client, site, channel, writer_key, clamd_down):
    created = _submit(api_client, writer_key, site, _file("a.txt", CLEAN_FILE))
    response = api_client.get(f"{CONTENT_URL}/{created.json()['id']}", headers=bearer(writer_key))
    assert response.status_code == 200
    (listed,) = response.json()["attachments"]
    assert listed["filename"] == "a.txt"
    assert listed["sha256"] == hashlib.sha256(CLEAN_FILE).hexdigest()
    assert listed["scan_status"] == "pending"


def test_item_page_shows_attachments_without_rendering_them(client, customer):
    reviewer = MembershipFactory(tenant=customer, role=Role.REVIEWER).user
    attachment = AttachmentFactory(item=ContentItemFactory(channel__site__tenant=customer))
    infected = AttachmentFactory(
        item=attachment.item,
        scan_status=ScanStatus.INFECTED,
        signature="Xinan.Test.EICAR.UNOFFICIAL",
    )
    client.force_login(reviewer)
    response = client.get(reverse("moderation:item-detail", args=[attachment.item.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert attachment.filename in body
    assert attachment.sha256 in body
    assert "Xinan.Test.EICAR.UNOFFICIAL" in body
    download = reverse("moderation:attachment-download", args=[attachment.item.pk, attachment.pk])
    assert download in body
    blocked = reverse("moderation:attachment-download", args=[infected.item.pk, infected.pk])
    assert blocked not in body
    assert "<img" not in body
    assert "<iframe" not in body


def test_download_clean_file_is_an_attachment_with_nosniff(client, customer):
    reviewer = MembershipFactory(tenant=customer, role=Role.REVIEWER).user
    attachment = AttachmentFactory(
        item=ContentItemFactory(channel__site__tenant=customer), content_type="text/html"
    )
    client.force_login(reviewer)
    response = client.get(
        reverse("moderation:attachment-download", args=[attachment.item.pk, attachment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content == "一个干净的附件\n".encode()


def test_download_is_audited_once_per_download(client, customer):
    reviewer = MembershipFactory(tenant=customer, role=Role.REVIEWER).user
    attachment = AttachmentFactory(item=ContentItemFactory(channel__site__tenant=customer))
    url = reverse("moderation:attachment-download", args=[attachment.item.pk, attachment.pk])
    client.force_login(reviewer)
    # when: downloaded twice
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    # then: two events, on the item, naming the reviewer and the file
    events = AuditEvent.objects.filter(action="moderation.attachment_downloaded")
    assert events.count() == 2
    event = events.first()
    assert (event.actor_id, event.tenant_id) == (str(reviewer.pk), customer.pk)
    assert (event.target_type, event.target_id) == (
        "moderation.contentitem",
        str(attachment.item.pk),
    )
    changes = json.loads(event.changes)
    assert changes["attachment"] == [None, attachment.pk]
    assert changes["sha256"] == [None, attachment.sha256]


@pytest.mark.parametrize(
    "scan_status", [ScanStatus.PENDING, ScanStatus.INFECTED, ScanStatus.FAILED]
)
def test_download_unreleased_file_is_refused(client, customer, scan_status):
    reviewer = MembershipFactory(tenant=customer, role=Role.REVIEWER).user
    attachment = AttachmentFactory(
        item=ContentItemFactory(channel__site__tenant=customer),
        scan_status=scan_status,
        signature="X" if scan_status == ScanStatus.INFECTED else "",
    )
    client.force_login(reviewer)
    response = client.get(
        reverse("moderation:attachment-download", args=[attachment.item.pk, attachment.pk])
    )
    assert response.status_code == 409
    assert not AuditEvent.objects.filter(action="moderation.attachment_downloaded").exists()


def test_download_other_tenants_file_is_404(client, customer):
    reviewer = MembershipFactory(tenant=customer, role=Role.REVIEWER).user
    other = AttachmentFactory()  # another tenant's item
    client.force_login(reviewer)
    response = client.get(reverse("moderation:attachment-download", args=[other.item.pk, other.pk]))
    assert response.status_code == 404
    # nor through one's own item with the other's attachment id
    own = ContentItemFactory(channel__site__tenant=customer)
    response = client.get(reverse("moderation:attachment-download", args=[own.pk, other.pk]))
    assert response.status_code == 404


def test_download_with_api_key_is_not_signed_in(client, customer):
    attachment = AttachmentFactory(item=ContentItemFactory(channel__site__tenant=customer))
    key = ApiKeyFactory(tenant=customer)
    response = client.get(
        reverse("moderation:attachment-download", args=[attachment.item.pk, attachment.pk]),
        headers=bearer(key),
    )
    assert response.status_code == 302
