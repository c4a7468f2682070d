from django.urls import URLPattern, path

from qualifications.views import cpd as cpd_views

app_name = "qualifications"
urlpatterns: list[URLPattern] = []

# The CPD log (trainers), its progress page and the portfolio export.
urlpatterns += [
    path("cpd/", cpd_views.cpd_list, name="cpd_list"),
    path("cpd/add/", cpd_views.cpd_add, name="cpd_add"),
    path("cpd/progress/", cpd_views.cpd_progress, name="cpd_progress"),
    path("cpd/export/", cpd_views.cpd_export, name="cpd_export"),
    path("cpd/exports/<uuid:public_id>/", cpd_views.cpd_export_status, name="cpd_export_status"),
    path(
        "cpd/exports/<uuid:public_id>/download/",
        cpd_views.cpd_export_download,
        name="cpd_export_download",
    ),
    path("cpd/year/", cpd_views.cpd_year_settings, name="cpd_year_settings"),
    path("cpd/gaps/explain/", cpd_views.cpd_gap_explain, name="cpd_gap_explain"),
    path("cpd/<uuid:public_id>/", cpd_views.cpd_detail, name="cpd_detail"),
    path("cpd/<uuid:public_id>/edit/", cpd_views.cpd_edit, name="cpd_edit"),
    path("cpd/<uuid:public_id>/delete/", cpd_views.cpd_delete, name="cpd_delete"),
]

# A trainer's qualification records (the insurance and DBS pages are in trainers/urls.py).
from qualifications.kinds import QUALIFICATION  # noqa: E402
from trainers.views.records import record_urls  # noqa: E402

urlpatterns += record_urls("records/", QUALIFICATION)
