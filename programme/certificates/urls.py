"""The certificates' routes; programme/urls.py adds them to the programme namespace.

Public (no login): /verify/ and /verify/<code>/ (public_views), /verify/<code>.json, the
status lists and /.well-known/did.json (credential_views). Staff and trainers: staff_views,
trainer_views. `<str:code>` takes the code in any form people type; the views normalise it.
"""

from django.urls import URLPattern, path

from programme.certificates import credential_views, public_views, staff_views, trainer_views

urlpatterns: list[URLPattern] = []

# --- The signed credential, the status list, the issuer's DID document (credential_views) ---
# The status list before the code: "status" must never be read as a code.
urlpatterns += [
    path(".well-known/did.json", credential_views.did_document, name="did_document"),
    path(
        "verify/status/<int:number>.json",
        credential_views.certificate_status_list,
        name="certificate_status_list",
    ),
    path(
        "verify/<str:code>.json",
        credential_views.certificate_credential,
        name="certificate_credential",
    ),
]

# --- Public verification: the form and the page (public_views) -----------------------------
urlpatterns += [
    path("verify/", public_views.certificate_verify_form, name="certificate_verify_form"),
    path("verify/<str:code>/", public_views.certificate_verify, name="certificate_verify"),
]

# --- Programme staff: issue, list, revoke, re-issue (staff_views) --------------------------
urlpatterns += [
    path("staff/certificates/", staff_views.staff_certificates, name="staff_certificates"),
    path(
        "staff/certificates/<uuid:public_id>/",
        staff_views.staff_certificate_detail,
        name="staff_certificate_detail",
    ),
    path(
        "staff/certificates/<uuid:public_id>/revoke/",
        staff_views.certificate_revoke_view,
        name="certificate_revoke",
    ),
    path(
        "staff/certificates/<uuid:public_id>/reissue/",
        staff_views.certificate_reissue_view,
        name="certificate_reissue",
    ),
    path(
        "staff/trainers/<uuid:public_id>/certificates/issue/",
        staff_views.certificate_issue_view,
        name="certificate_issue",
    ),
]

# --- Trainers: their certificates and the PDFs (trainer_views) ------------------------------
urlpatterns += [
    path("certificates/", trainer_views.my_certificates, name="my_certificates"),
    path(
        "certificates/<uuid:public_id>/certificate.pdf",
        trainer_views.certificate_pdf,
        name="certificate_pdf",
    ),
]
