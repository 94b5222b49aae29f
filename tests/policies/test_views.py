"""Portal pages for sites, channels, lexicons and domain lists: denied, invalid, working."""

from __future__ import annotations

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.client import Client
from tests.factories import (
    ChannelFactory,
    DomainListFactory,
    MembershipFactory,
    SiteFactory,
    TenantLexiconFactory,
)
from tests.policies.conftest import CSV

from xinan.audit.models import AuditEvent
from xinan.moderation.models import Channel, Site
from xinan.policies.models import DomainList, TenantLexicon
from xinan.tenants.models import Tenant
from xinan.tenants.roles import Role

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 9  # session, user, grants, tenant, rows (+ a relation), messages


def _url(name: str, tenant_id: int, **kwargs: int) -> str:
    return reverse(f"policies:{name}", kwargs={"tenant_id": tenant_id, **kwargs})


# --- sites and channels -------------------------------------------------------------------


def test_site_list_owner_sees_own_sites_and_form(
    client: Client, customer, customer_owner, django_assert_max_num_queries
):
    SiteFactory.create_batch(3, tenant=customer)
    SiteFactory(name="someone else's")
    client.force_login(customer_owner)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(_url("site-list", customer.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<td>京ICP备") == 3
    assert "someone else" not in body
    assert 'name="icp_number"' in body
    # the portal's navigation links here
    assert _url("lexicon-list", customer.pk) in body


def test_site_list_member_is_403_and_anonymous_signs_in(client: Client, customer):
    response = client.get(_url("site-list", customer.pk))
    assert response.status_code == 302
    client.force_login(MembershipFactory(tenant=customer, role=Role.MEMBER).user)
    assert client.get(_url("site-list", customer.pk)).status_code == 403


def test_site_list_reviewer_reads_without_form(client: Client, customer):
    SiteFactory(tenant=customer)
    client.force_login(MembershipFactory(tenant=customer, role=Role.REVIEWER).user)
    response = client.get(_url("site-list", customer.pk))
    assert response.status_code == 200
    assert 'name="icp_number"' not in response.content.decode()


def test_site_create_valid_redirects_to_site(client: Client, customer, customer_owner):
    client.force_login(customer_owner)
    response = client.post(
        _url("site-create", customer.pk),
        {
            "name": "论坛",
            "domains": "WWW.Example.com\nbbs.example.com",
            "icp_number": "京ICP备12345678号-1",
        },
    )
    site = Site.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("site-detail", customer.pk, site_id=site.pk)
    assert site.domains == ["bbs.example.com", "www.example.com"]
    assert AuditEvent.objects.filter(action="moderation.site_created").count() == 1


def test_site_create_bad_icp_shows_error_on_field(client: Client, customer, customer_owner):
    client.force_login(customer_owner)
    response = client.post(
        _url("site-create", customer.pk), {"name": "论坛", "domains": "", "icp_number": "12345"}
    )
    assert response.status_code == 400
    assert "field--invalid" in response.content.decode()
    assert not Site.objects.exists()


def test_site_create_reviewer_is_403(client: Client, customer):
    client.force_login(MembershipFactory(tenant=customer, role=Role.REVIEWER).user)
    response = client.post(
        _url("site-create", customer.pk),
        {"name": "论坛", "domains": "", "icp_number": "京ICP备12345678号-1"},
    )
    assert response.status_code == 403
    assert not Site.objects.exists()


def test_site_detail_update_and_channel_list(client: Client, customer, customer_owner):
    site = SiteFactory(tenant=customer)
    ChannelFactory(site=site, key="comments")
    client.force_login(customer_owner)
    page = client.get(_url("site-detail", customer.pk, site_id=site.pk))
    assert "comments" in page.content.decode()
    response = client.post(
        _url("site-detail", customer.pk, site_id=site.pk),
        {"name": "新名字", "domains": "", "icp_number": site.icp_number},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name == "新名字"


def test_site_detail_other_tenants_site_is_404(client: Client, customer, customer_owner):
    other = SiteFactory()
    client.force_login(customer_owner)
    assert client.get(_url("site-detail", customer.pk, site_id=other.pk)).status_code == 404


def test_channel_create_uses_public_default_and_sampling(client: Client, customer, customer_owner):
    site = SiteFactory(tenant=customer)
    client.force_login(customer_owner)
    response = client.post(
        _url("channel-create", customer.pk, site_id=site.pk),
        {
            "key": "posts",
            "kind": "post",
            "is_public": "on",
            "review_mode": "",
            "sample_percent": "10",
            "minors_mode": "per_author",
            "sla_minutes": "15",
        },
    )
    channel = Channel.objects.get()
    assert response.status_code == 302
    assert (channel.review_mode, channel.sample_percent, channel.sla_minutes) == (
        "pre_review",
        10,
        15,
    )


def test_channel_create_taken_key_is_an_error_on_key(client: Client, customer, customer_owner):
    site = SiteFactory(tenant=customer)
    ChannelFactory(site=site, key="posts")
    client.force_login(customer_owner)
    response = client.post(
        _url("channel-create", customer.pk, site_id=site.pk),
        {
            "key": "posts",
            "kind": "post",
            "minors_mode": "per_author",
            "sample_percent": "0",
            "sla_minutes": "30",
        },
    )
    assert response.status_code == 400
    assert Channel.objects.count() == 1


def _policy(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "comment",
        "is_public": "on",
        "review_mode": "post_review",
        "sample_percent": "5",
        "minors_mode": "all_authors",
        "sla_minutes": "60",
    }
    data.update(overrides)
    return data


def test_channel_detail_saves_policy_and_thresholds_table(
    client: Client, customer, customer_owner, django_assert_max_num_queries
):
    channel = ChannelFactory(site=SiteFactory(tenant=customer))
    url = _url("channel-detail", customer.pk, site_id=channel.site_id, channel_id=channel.pk)
    client.force_login(customer_owner)
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(url)
    assert 'name="gambling__review"' in page.content.decode()
    response = client.post(url, _policy(gambling__review="0.3", gambling__block="0.6"))
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.thresholds == {"gambling": {"review": 0.3, "block": 0.6}}
    assert (channel.review_mode, channel.sample_percent, channel.minors_mode) == (
        "post_review",
        5,
        "all_authors",
    )
    event = AuditEvent.objects.get(action="moderation.channel_updated")
    assert "gambling=" in event.changes
    # the saved values come back in the table
    assert 'value="0.3"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"gambling__review": "0.9", "gambling__block": "0.5"},
        {"gambling__review": "0.3"},
        {"gambling__block": "1.5", "gambling__review": "0.1"},
        {"sample_percent": "101"},
    ],
)
def test_channel_detail_bad_thresholds_change_nothing(
    client: Client, customer, customer_owner, bad
):
    channel = ChannelFactory(site=SiteFactory(tenant=customer))
    url = _url("channel-detail", customer.pk, site_id=channel.site_id, channel_id=channel.pk)
    client.force_login(customer_owner)
    response = client.post(url, _policy(**bad))
    assert response.status_code == 400
    channel.refresh_from_db()
    assert channel.thresholds == {}
    assert channel.review_mode == "pre_review"


def test_channel_detail_channel_of_another_site_is_404(client: Client, customer, customer_owner):
    site = SiteFactory(tenant=customer)
    elsewhere = ChannelFactory(site=SiteFactory(tenant=customer))
    client.force_login(customer_owner)
    url = _url("channel-detail", customer.pk, site_id=site.pk, channel_id=elsewhere.pk)
    assert client.get(url).status_code == 404


def test_channel_detail_reviewer_reads_but_cannot_save(client: Client, customer):
    channel = ChannelFactory(site=SiteFactory(tenant=customer))
    url = _url("channel-detail", customer.pk, site_id=channel.site_id, channel_id=channel.pk)
    client.force_login(MembershipFactory(tenant=customer, role=Role.REVIEWER).user)
    assert client.get(url).status_code == 200
    assert client.post(url, _policy()).status_code == 403


# --- lexicons -----------------------------------------------------------------------------


def test_lexicon_list_owner_sees_own(
    client: Client, customer, customer_owner, django_assert_max_num_queries
):
    TenantLexiconFactory.create_batch(
        2, tenant=customer, name=factory.Sequence(lambda n: f"我们的{n}")
    )
    TenantLexiconFactory(name="someone else's")
    client.force_login(customer_owner)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(_url("lexicon-list", customer.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("我们的") == 2
    assert "someone else" not in body
    assert 'name="csv_file"' in body


def test_lexicon_pages_reviewer_is_403(client: Client, customer):
    client.force_login(MembershipFactory(tenant=customer, role=Role.REVIEWER).user)
    assert client.get(_url("lexicon-list", customer.pk)).status_code == 403


def test_lexicon_create_by_upload(client: Client, customer, customer_owner):
    client.force_login(customer_owner)
    upload = SimpleUploadedFile("ours.csv", ("\ufeff" + CSV).encode(), content_type="text/csv")
    response = client.post(
        _url("lexicon-create", customer.pk),
        {"name": "上传的", "site": "", "is_enabled": "on", "csv_text": "", "csv_file": upload},
    )
    assert response.status_code == 302
    lexicon = TenantLexicon.objects.get()
    assert (lexicon.csv_text, lexicon.entry_count, lexicon.site) == (CSV, 1, None)


def test_lexicon_create_bad_upload_names_line_on_file_field(
    client: Client, customer, customer_owner
):
    client.force_login(customer_owner)
    upload = SimpleUploadedFile("ours.csv", (CSV + "办证,nonsense,block\n").encode())
    response = client.post(
        _url("lexicon-create", customer.pk),
        {"name": "坏的", "site": "", "csv_text": "", "csv_file": upload},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "坏的:3: unknown category code" in body
    assert not TenantLexicon.objects.exists()


def test_lexicon_create_not_utf8_refused(client: Client, customer, customer_owner):
    client.force_login(customer_owner)
    upload = SimpleUploadedFile("ours.csv", CSV.encode("gbk"))
    response = client.post(
        _url("lexicon-create", customer.pk), {"name": "x", "site": "", "csv_file": upload}
    )
    assert response.status_code == 400
    assert not TenantLexicon.objects.exists()


def test_lexicon_detail_edit_scope_and_text(client: Client, customer, customer_owner):
    site = SiteFactory(tenant=customer)
    lexicon = TenantLexiconFactory(tenant=customer)
    url = _url("lexicon-detail", customer.pk, lexicon_id=lexicon.pk)
    client.force_login(customer_owner)
    assert "代开发票" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": lexicon.name,
            "site": str(site.pk),
            "is_enabled": "on",
            "csv_text": CSV + "办假证,fraud,review\n",
        },
    )
    assert response.status_code == 302
    lexicon.refresh_from_db()
    assert (lexicon.site_id, lexicon.version, lexicon.entry_count) == (site.pk, 2, 2)


def test_lexicon_detail_site_of_another_tenant_is_refused(client: Client, customer, customer_owner):
    lexicon = TenantLexiconFactory(tenant=customer)
    client.force_login(customer_owner)
    response = client.post(
        _url("lexicon-detail", customer.pk, lexicon_id=lexicon.pk),
        {"name": lexicon.name, "site": str(SiteFactory().pk), "csv_text": CSV},
    )
    assert response.status_code == 400
    lexicon.refresh_from_db()
    assert lexicon.site_id is None


def test_lexicon_download_and_delete(client: Client, customer, customer_owner):
    lexicon = TenantLexiconFactory(tenant=customer)
    client.force_login(customer_owner)
    download = client.get(_url("lexicon-download", customer.pk, lexicon_id=lexicon.pk))
    assert download.status_code == 200
    assert download.content.decode() == CSV
    assert f"lexicon-{lexicon.pk}-v1.csv" in download["Content-Disposition"]
    event = AuditEvent.objects.get(action="policies.lexicon_exported")
    assert (event.actor_id, event.target_id) == (str(customer_owner.pk), str(lexicon.pk))
    response = client.post(_url("lexicon-delete", customer.pk, lexicon_id=lexicon.pk))
    assert response.status_code == 302
    assert not TenantLexicon.objects.exists()


def test_lexicon_edit_and_delete_of_suspended_tenant_refused(
    client: Client, customer, customer_owner
):
    # a suspended customer's people lose its portal (tests/tenants/test_suspended_access.py)
    lexicon = TenantLexiconFactory(tenant=customer)
    client.force_login(customer_owner)
    Tenant.objects.filter(pk=customer.pk).update(status=Tenant.Status.SUSPENDED)
    edit = client.post(
        _url("lexicon-detail", customer.pk, lexicon_id=lexicon.pk),
        {"name": "renamed", "site": "", "is_enabled": "on", "csv_text": CSV},
    )
    assert edit.status_code == 404
    delete = client.post(_url("lexicon-delete", customer.pk, lexicon_id=lexicon.pk))
    assert delete.status_code == 404
    stored = TenantLexicon.objects.get(pk=lexicon.pk)
    assert (stored.name, stored.version) == (lexicon.name, 1)


def test_lexicon_of_another_tenant_is_404(client: Client, customer, customer_owner):
    other = TenantLexiconFactory()
    client.force_login(customer_owner)
    for name in ("lexicon-detail", "lexicon-download"):
        assert client.get(_url(name, customer.pk, lexicon_id=other.pk)).status_code == 404
    assert client.post(_url("lexicon-delete", customer.pk, lexicon_id=other.pk)).status_code == 404
    assert TenantLexicon.objects.filter(pk=other.pk).exists()


# --- domain lists -------------------------------------------------------------------------


def test_domain_list_create_from_text_and_bad_line(client: Client, customer, customer_owner):
    client.force_login(customer_owner)
    bad = client.post(
        _url("domain-list-create", customer.pk),
        {"name": "禁止", "kind": "deny", "site": "", "domains_text": "ok.example.com\nnot a host"},
    )
    assert bad.status_code == 400
    assert "line 2" in bad.content.decode()
    good = client.post(
        _url("domain-list-create", customer.pk),
        {
            "name": "禁止",
            "kind": "deny",
            "site": "",
            "is_enabled": "on",
            "domains_text": "# ours\nBad-Casino.com\n*.spam.example.com",
        },
    )
    assert good.status_code == 302
    assert DomainList.objects.get().domains == ["bad-casino.com", "spam.example.com"]


def test_domain_list_upload_replaces_and_downloads(client: Client, customer, customer_owner):
    domain_list = DomainListFactory(tenant=customer)
    client.force_login(customer_owner)
    upload = SimpleUploadedFile("d.csv", b"domain\nnew.example.com,from our file\n")
    response = client.post(
        _url("domain-list-detail", customer.pk, list_id=domain_list.pk),
        {
            "name": domain_list.name,
            "kind": "allow",
            "site": "",
            "is_enabled": "on",
            "domains_text": "ignored.example.com",
            "domains_file": upload,
        },
    )
    assert response.status_code == 302
    domain_list.refresh_from_db()
    assert (domain_list.domains, domain_list.kind, domain_list.version) == (
        ["new.example.com"],
        "allow",
        2,
    )
    download = client.get(_url("domain-list-download", customer.pk, list_id=domain_list.pk))
    assert "new.example.com\n" in download.content.decode()
    assert f"domains-{domain_list.pk}-v2.csv" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="policies.domain_list_exported").count() == 1


def test_domain_list_delete_of_suspended_tenant_refused(client: Client, customer, customer_owner):
    domain_list = DomainListFactory(tenant=customer)
    client.force_login(customer_owner)
    Tenant.objects.filter(pk=customer.pk).update(status=Tenant.Status.SUSPENDED)
    response = client.post(_url("domain-list-delete", customer.pk, list_id=domain_list.pk))
    assert response.status_code == 404
    assert DomainList.objects.filter(pk=domain_list.pk).exists()


def test_domain_list_pages_security_contact_manages(client: Client, customer):
    client.force_login(MembershipFactory(tenant=customer, role=Role.SECURITY_CONTACT).user)
    response = client.get(_url("domain-list-list", customer.pk))
    assert response.status_code == 200
    assert 'name="domains_text"' in response.content.decode()
