from django.urls import path

from xinan.enforcement import views

app_name = "enforcement"
urlpatterns = [
    # The site's own author ids may contain slashes, hence ``path``; the page takes GET (show)
    # and POST (issue) at one address so that no other route can shadow part of an id.
    path("authors/<int:site_id>/<path:author>/", views.author_detail, name="author-detail"),
    path(
        "restrictions/<int:restriction_id>/lift/",
        views.restriction_lift,
        name="restriction-lift",
    ),
]
