"""URLs of programme.webhooks (included by programme.urls, namespace "programme")."""

from django.urls import URLPattern, path

from programme.webhooks import views

_ENDPOINT = "clinic/<uuid:clinic_id>/webhooks/<uuid:endpoint_id>/"

urlpatterns: list[URLPattern] = [
    path("clinic/<uuid:clinic_id>/webhooks/", views.webhooks, name="webhooks"),
    path(_ENDPOINT, views.webhook_endpoint, name="webhook_endpoint"),
    path(f"{_ENDPOINT}rotate-secret/", views.webhook_rotate, name="webhook_rotate"),
    path(f"{_ENDPOINT}delete/", views.webhook_delete, name="webhook_delete"),
    path(f"{_ENDPOINT}test/", views.webhook_test, name="webhook_test"),
    path(
        f"{_ENDPOINT}deliveries/<uuid:delivery_id>/",
        views.webhook_delivery,
        name="webhook_delivery",
    ),
    path(
        f"{_ENDPOINT}deliveries/<uuid:delivery_id>/resend/",
        views.webhook_resend,
        name="webhook_resend",
    ),
]
