from django.urls import path, re_path, register_converter

from trainers.kinds import DBS, INSURANCE
from trainers.records import RecordKindConverter
from trainers.views import claim as claim_views
from trainers.views import evidence as evidence_views
from trainers.views import records as record_views
from trainers.views import verification as verification_views
from trainers.views.records import record_urls

app_name = "trainers"
register_converter(RecordKindConverter, "recordkind")

# A trainer's records (insurance, DBS; each app routes its own kinds, e.g. qualifications in
# qualifications/urls.py), their evidence, and the staff verification queue.
urlpatterns = [
    path("records/", record_views.records, name="records"),
    *record_urls("records/insurance/", INSURANCE),
    *record_urls("records/dbs/", DBS),
    path(
        "records/<recordkind:kind>/<uuid:public_id>/evidence/",
        record_views.evidence_add,
        name="record_evidence_add",
    ),
    path("evidence/<uuid:public_id>/", evidence_views.evidence_download, name="evidence_download"),
    path(
        "evidence/<uuid:public_id>/preview/",
        evidence_views.evidence_preview,
        name="evidence_preview",
    ),
    path(
        "evidence/<uuid:public_id>/remove/",
        evidence_views.evidence_remove,
        name="evidence_remove",
    ),
    # The link of an imported trainer's claim mail: a password-reset key, as allauth's.
    re_path(
        r"^claim/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        claim_views.account_claim_view,
        name="account_claim",
    ),
    path("verification/", verification_views.verification_queue, name="verification_queue"),
    path(
        "verification/<recordkind:kind>/<uuid:public_id>/",
        verification_views.verification_review,
        name="verification_review",
    ),
    path(
        "verification/<recordkind:kind>/<uuid:public_id>/verify/",
        verification_views.record_verify_view,
        name="record_verify",
    ),
    path(
        "verification/<recordkind:kind>/<uuid:public_id>/reject/",
        verification_views.record_reject_view,
        name="record_reject",
    ),
]
