"""The clinic admins' token pages (the API itself is mounted at /api/v1/ by rehabpath.urls)."""

from django.urls import path

from programme.api import views

urlpatterns = [
    path("clinic/api-tokens/", views.api_token_clinics, name="api_token_clinics"),
    path("clinic/<uuid:clinic_id>/api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "clinic/<uuid:clinic_id>/api-tokens/<uuid:token_id>/revoke/",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
]
