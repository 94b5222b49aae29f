"""The tenant's rules in the filter (CON-8): applied in its tenant only, compiled once per
version, a change seen at the next text, and one query per text for all of it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from tests.factories import ChannelFactory, SiteFactory, TenantFactory
from tests.policies.conftest import CSV, DENIED_HOST, TERM, THROWAWAY_LINK

from xinan.guard import compile_lexicon
from xinan.moderation import filtering
from xinan.moderation import services as moderation
from xinan.moderation.models import Channel, ContentItem
from xinan.policies import compiled, services
from xinan.policies.models import PolicyState, TenantLexicon

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guard_engine")]

TEXT = f"需要{TERM}的私聊"


def _action(text: str, channel: Channel) -> str:
    return filtering.check(text, channel=channel, author_is_minor=False).action


def _submit(channel: Channel, external_id: str, text: str, actor) -> ContentItem:
    return moderation.submit_content(
        site=channel.site,
        channel_key=channel.key,
        external_id=external_id,
        author_external_id="u-1",
        author_is_minor=False,
        text=text,
        actor=actor,
    ).item


def test_tenant_lexicon_term_blocks_in_its_tenant_and_not_in_another(
    customer, customer_owner, channel
):
    # given
    channel.review_mode = Channel.ReviewMode.POST_REVIEW
    channel.save()
    other = ChannelFactory(
        site=SiteFactory(tenant=TenantFactory()), review_mode=Channel.ReviewMode.POST_REVIEW
    )
    services.create_lexicon(tenant=customer, name="发票", csv_text=CSV, actor=customer_owner)
    # when
    ours = _submit(channel, "c-1", TEXT, customer_owner)
    theirs = _submit(other, "c-1", TEXT, customer_owner)
    # then
    assert ours.status == ContentItem.Status.AUTO_BLOCKED
    assert theirs.status == ContentItem.Status.PUBLISHED
    verdict = ours.current_revision.verdict
    lexicon = TenantLexicon.objects.get()
    assert verdict["versions"][f"lexicon:tenant:{customer.pk}:{lexicon.pk}"].endswith("@v1")
    assert verdict["findings"][0]["text"] == TERM


def test_site_scoped_lexicon_applies_to_that_site_only(customer, customer_owner, channel):
    other_site_channel = ChannelFactory(site=SiteFactory(tenant=customer))
    services.create_lexicon(
        tenant=customer, name="x", csv_text=CSV, site=channel.site, actor=customer_owner
    )
    assert _action(TEXT, channel) == "block"
    assert _action(TEXT, other_site_channel) == "pass"


def test_disabled_lexicon_is_not_applied(customer, customer_owner, channel):
    lexicon = services.create_lexicon(
        tenant=customer, name="x", csv_text=CSV, is_enabled=False, actor=customer_owner
    )
    assert _action(TEXT, channel) == "pass"
    services.update_lexicon(lexicon=lexicon, is_enabled=True, actor=customer_owner)
    assert _action(TEXT, channel) == "block"


def test_deny_listed_domain_link_is_flagged(customer, customer_owner, channel):
    text = f"看看 http://{DENIED_HOST}/x 这个"
    assert _action(text, channel) == "pass"
    services.create_domain_list(
        tenant=customer, name="d", kind="deny", domains=[DENIED_HOST], actor=customer_owner
    )
    result = filtering.check(text, channel=channel, author_is_minor=False)
    assert result.action == "block"
    assert result.codes == ("malicious_link",)


def test_allow_listed_domain_passes(customer, customer_owner, channel):
    text = f"访问 {THROWAWAY_LINK}"
    assert _action(text, channel) == "review"  # the throwaway-host heuristic
    services.create_domain_list(
        tenant=customer, name="a", kind="allow", domains=["8x9k2q.xyz"], actor=customer_owner
    )
    assert _action(text, channel) == "pass"


def test_site_scoped_deny_list_and_tenant_allow_list_merge(customer, customer_owner, channel):
    services.create_domain_list(
        tenant=customer,
        name="d",
        kind="deny",
        domains=[DENIED_HOST],
        site=channel.site,
        actor=customer_owner,
    )
    services.create_domain_list(
        tenant=customer, name="a", kind="allow", domains=["8x9k2q.xyz"], actor=customer_owner
    )
    rules = compiled.rules_for_site(channel.site)
    assert rules.deny_domains == {DENIED_HOST}
    assert rules.allow_domains == {"8x9k2q.xyz"}
    assert compiled.rules_for_site(SiteFactory(tenant=customer)).deny_domains == frozenset()


def test_change_is_seen_at_the_next_text(customer, customer_owner, channel):
    assert _action(TEXT, channel) == "pass"
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    assert _action(TEXT, channel) == "block"
    services.update_lexicon(
        lexicon=lexicon, csv_text="term,code,severity\n别的词,fraud,block\n", actor=customer_owner
    )
    assert _action(TEXT, channel) == "pass"
    assert _action("别的词", channel) == "block"
    services.delete_lexicon(lexicon=lexicon, actor=customer_owner)
    assert _action("别的词", channel) == "pass"


def test_change_by_another_process_is_seen(customer, customer_owner, channel):
    """Another process changed the rows and the version: this process's cache follows."""
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    assert _action(TEXT, channel) == "block"
    # when: rows written behind this process's back, as another web worker would
    TenantLexicon.objects.filter(pk=lexicon.pk).update(
        csv_text="term,code,severity\n别的词,fraud,block\n", version=F("version") + 1
    )
    PolicyState.objects.filter(tenant=customer).update(version=F("version") + 1)
    # then
    assert _action(TEXT, channel) == "pass"
    assert _action("别的词", channel) == "block"


def test_unchanged_lexicon_is_never_recompiled(customer, customer_owner, channel, monkeypatch):
    # given: two lexicons, compiled once
    first = services.create_lexicon(tenant=customer, name="a", csv_text=CSV, actor=customer_owner)
    second = services.create_lexicon(
        tenant=customer, name="b", csv_text="term,code,severity\n别的词,fraud,block\n", actor=None
    )
    assert _action(TEXT, channel) == "block"
    built: list[str] = []

    def counting(*args, **kwargs):
        built.append(kwargs["name"])
        return compile_lexicon(*args, **kwargs)

    monkeypatch.setattr(compiled, "compile_lexicon", counting)
    # when: many texts, then a change to the second lexicon only
    for _ in range(3):
        _action(TEXT, channel)
    services.update_lexicon(lexicon=second, name="b2", actor=customer_owner)
    assert _action(TEXT, channel) == "block"
    # then
    assert built == [f"tenant:{customer.pk}:{second.pk}"]
    assert compiled.compiled_keys() == {(first.pk, 1), (second.pk, 2)}


def test_deleted_lexicon_leaves_the_process_cache(customer, customer_owner, channel):
    lexicon = services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    _action(TEXT, channel)
    assert (lexicon.pk, 1) in compiled.compiled_keys()
    services.delete_lexicon(lexicon=lexicon, actor=customer_owner)
    _action(TEXT, channel)
    assert compiled.compiled_keys() == frozenset()


def test_context_for_costs_one_query_when_nothing_changed(customer, customer_owner, channel):
    services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    services.create_domain_list(
        tenant=customer, name="d", kind="deny", domains=[DENIED_HOST], actor=customer_owner
    )
    filtering.context_for(channel=channel, author_is_minor=False)  # warm
    with CaptureQueriesContext(connection) as queries:
        context = filtering.context_for(channel=channel, author_is_minor=False)
    assert len(queries) == 1
    assert len(context.lexicons) == 1
    assert context.deny_domains == {DENIED_HOST}


def test_context_for_tenant_without_policies_costs_one_query(channel):
    with CaptureQueriesContext(connection) as queries:
        context = filtering.context_for(channel=channel, author_is_minor=False)
    assert len(queries) == 1
    assert context.lexicons == ()


def test_intake_gains_at_most_one_query(customer, customer_owner, channel, monkeypatch):
    # given: the tenant has a lexicon and a list, compiled by a first submission
    services.create_lexicon(tenant=customer, name="x", csv_text=CSV, actor=customer_owner)
    services.create_domain_list(
        tenant=customer, name="d", kind="deny", domains=[DENIED_HOST], actor=customer_owner
    )
    _submit(channel, "warm", "热身", customer_owner)
    # when: the same kind of submission with the tenant's rules, and with none at all
    with CaptureQueriesContext(connection) as with_rules:
        _submit(channel, "c-1", "今天天气很好", customer_owner)
    monkeypatch.setattr(filtering, "rules_for_site", lambda site: compiled.EMPTY)
    with CaptureQueriesContext(connection) as without:
        _submit(channel, "c-2", "今天天气很好", customer_owner)
    # then
    assert len(with_rules) - len(without) == 1, [q["sql"] for q in with_rules.captured_queries]
