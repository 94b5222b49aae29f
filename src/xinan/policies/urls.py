"""Portal pages of sites, channels, lexicons and domain lists, under /portal/t/<tenant_id>/."""

from django.urls import path

from xinan.policies.views import lists, sites

app_name = "policies"
urlpatterns = [
    path("sites/", sites.site_list, name="site-list"),
    path("sites/new/", sites.site_create, name="site-create"),
    path("sites/<int:site_id>/", sites.site_detail, name="site-detail"),
    path("sites/<int:site_id>/channels/new/", sites.channel_create, name="channel-create"),
    path(
        "sites/<int:site_id>/channels/<int:channel_id>/",
        sites.channel_detail,
        name="channel-detail",
    ),
    path("lexicons/", lists.lexicon_list, name="lexicon-list"),
    path("lexicons/new/", lists.lexicon_create, name="lexicon-create"),
    path("lexicons/<int:lexicon_id>/", lists.lexicon_detail, name="lexicon-detail"),
    path("lexicons/<int:lexicon_id>/csv/", lists.lexicon_download, name="lexicon-download"),
    path("lexicons/<int:lexicon_id>/delete/", lists.lexicon_delete, name="lexicon-delete"),
    path("domain-lists/", lists.domain_list_list, name="domain-list-list"),
    path("domain-lists/new/", lists.domain_list_create, name="domain-list-create"),
    path("domain-lists/<int:list_id>/", lists.domain_list_detail, name="domain-list-detail"),
    path(
        "domain-lists/<int:list_id>/csv/", lists.domain_list_download, name="domain-list-download"
    ),
    path("domain-lists/<int:list_id>/delete/", lists.domain_list_delete, name="domain-list-delete"),
]
