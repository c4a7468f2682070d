"""The certificates' routes; programme/urls.py adds them to the programme namespace.

Public (no login): /verify/ and /verify/<code>/ (public_views), /verify/<code>.json, the
status lists and /.well-known/did.json (credential_views). Staff and trainers: staff_views,
trainer_views. `<str:code>` takes the code in any form people type; the views normalise it.
"""

from django.urls import URLPattern, path

from programme.certificates import credential_views, public_views

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

# --- Trainers: their certificates and the PDFs (trainer_views) ------------------------------
