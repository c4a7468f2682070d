"""The machine-readable public documents: a certificate's signed credential, the status lists
and the issuer's DID document. Public by design (no login): verifiers anywhere fetch them, so
each answers CORS requests from any origin.

An unknown code and a string that cannot be a code get the same 404, so a guess learns nothing
(codes carry 140 random bits). Credentials are marked noindex: a search engine has no business
listing who holds a certificate.
"""

import json

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from programme.certificates import keys, statuslist
from programme.certificates.credential import credential_bytes
from programme.certificates.lookup import certificate_by_code

# Short: the status list changes when a certificate is revoked, and verifiers should see that.
STATUS_LIST_MAX_AGE = 300
DID_MAX_AGE = 3600
NOT_FOUND = {"error": "No certificate has this code."}


def _json(body: bytes, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _dumps(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"


@require_safe
def did_document(request: HttpRequest) -> HttpResponse:
    response = _json(_dumps(keys.did_document()))
    patch_cache_control(response, public=True, max_age=DID_MAX_AGE)
    return response


@require_safe
def certificate_status_list(request: HttpRequest, number: int) -> HttpResponse:
    current = statuslist.revision(number)
    etag = f'"{current.etag}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response = _json(_dumps(statuslist.status_list_credential(number, current=current)))
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=STATUS_LIST_MAX_AGE)
    return response


@require_safe
def certificate_credential(request: HttpRequest, code: str) -> HttpResponse:
    certificate = certificate_by_code(code)
    if certificate is None or not certificate.credential:
        response = _json(_dumps(NOT_FOUND), status=404)
    else:
        response = _json(credential_bytes(certificate))
        # What it says never changes; whether it holds is the status list's business.
        patch_cache_control(response, public=True, max_age=STATUS_LIST_MAX_AGE)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
