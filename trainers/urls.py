from django.urls import path

from trainers import views_import

app_name = "trainers"
urlpatterns: list = []

# Bulk import of trainers and qualifications (programme staff).
urlpatterns += [
    path("import/", views_import.bulk_import, name="bulk_import"),
    path("import/confirm/", views_import.bulk_import_confirm, name="bulk_import_confirm"),
    path("import/template.csv", views_import.bulk_import_template, name="bulk_import_template"),
]

# A trainer's records (insurance, DBS; qualifications live in qualifications/urls.py), their
# evidence, and the staff verification queue.
from django.urls import register_converter  # noqa: E402

from trainers import views_evidence, views_records, views_verification  # noqa: E402
from trainers.records import DBS, INSURANCE, RecordKindConverter  # noqa: E402
from trainers.views_records import record_urls  # noqa: E402

register_converter(RecordKindConverter, "recordkind")

urlpatterns += [
    path("records/", views_records.records, name="records"),
    *record_urls("records/insurance/", INSURANCE),
    *record_urls("records/dbs/", DBS),
    path(
        "records/<recordkind:kind>/<uuid:public_id>/evidence/",
        views_records.evidence_add,
        name="record_evidence_add",
    ),
    path("evidence/<uuid:public_id>/", views_evidence.evidence_download, name="evidence_download"),
    path(
        "evidence/<uuid:public_id>/remove/",
        views_evidence.evidence_remove,
        name="evidence_remove",
    ),
    path("verification/", views_verification.verification_queue, name="verification_queue"),
    path(
        "verification/<recordkind:kind>/<uuid:public_id>/",
        views_verification.verification_review,
        name="verification_review",
    ),
    path(
        "verification/<recordkind:kind>/<uuid:public_id>/verify/",
        views_verification.record_verify_view,
        name="record_verify",
    ),
    path(
        "verification/<recordkind:kind>/<uuid:public_id>/reject/",
        views_verification.record_reject_view,
        name="record_reject",
    ),
]
