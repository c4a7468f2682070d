"""URLs of programme.clinics (included by programme.urls, namespace "programme")."""

from django.urls import URLPattern, path  # noqa: F401 - filled in as the views arrive

urlpatterns: list[URLPattern] = []
