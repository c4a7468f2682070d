"""The certificates' routes; programme/urls.py adds them to the programme namespace.

Public (no login): /verify/ and /verify/<code>/ (public_views), /verify/<code>.json, the
status lists and /.well-known/did.json (credential_views). Staff and trainers: staff_views,
trainer_views. `<str:code>` takes the code in any form people type; the views normalise it.
"""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

# --- The signed credential, the status list, the issuer's DID document (credential_views) ---

# --- Public verification: the form and the page (public_views) -----------------------------

# --- Programme staff: issue, list, revoke, re-issue (staff_views) --------------------------

# --- Trainers: their certificates and the PDFs (trainer_views) ------------------------------
