import pytest
from django.urls import reverse
from tests.factories import ApiKeyFactory, MembershipFactory
from xinan.accounts import services

def test_pages(client, staff_admin, customer, customer_owner, api_key):
    services.record_login(user=staff_admin)
    client.force_login(staff_admin)
    for url in [reverse("console:home"), reverse("console:tenant-list"), reverse("console:tenant-create"),
                reverse("console:tenant-detail", args=[customer.pk]), reverse("console:audit-list"),
                reverse("console:audit-detail", args=[1]), reverse("accounts:login")]:
        r = client.get(url, follow=True)
        assert r.status_code == 200, url
        print(url, len(r.content))
    r = client.get(reverse("console:audit-list"), HTTP_HX_REQUEST="true")
    assert b"<html" not in r.content
    client.force_login(customer_owner)
    for url in [reverse("portal:home"), reverse("portal:tenant-detail", args=[customer.pk]),
                reverse("portal:key-list", args=[customer.pk]), reverse("portal:member-list", args=[customer.pk]),
                reverse("portal:audit-list", args=[customer.pk]), reverse("portal:key-revoke", args=[customer.pk, api_key.pk])]:
        r = client.get(url)
        assert r.status_code == 200, url
    r = client.post(reverse("portal:key-create", args=[customer.pk]), {"name": "site", "scopes": ["audit:read"]})
    assert r.status_code == 200
    assert b"xk_" in r.content
