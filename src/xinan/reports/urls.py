from django.urls import path

from xinan.reports import views

# Reviewers' pages, under /review/ beside the moderation queue.
app_name = "reports"
urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:case_id>/decide/", views.case_decide, name="case-decide"),
    path("appeals/", views.appeal_list, name="appeal-list"),
    path("appeals/<int:appeal_id>/", views.appeal_detail, name="appeal-detail"),
    path("appeals/<int:appeal_id>/decide/", views.appeal_decide, name="appeal-decide"),
    path("items/<int:item_id>/evidence/", views.item_evidence, name="item-evidence"),
]

# The public report form, under /report/ (namespace "report"); no account needed.
public_urlpatterns = [
    path("", views.report_form, name="report-form"),
    path("lookup/", views.report_lookup, name="report-lookup"),
    path("<str:tracking>/", views.report_status, name="report-status"),
]
