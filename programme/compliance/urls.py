"""URLs of programme.compliance (included by programme.urls, namespace "programme")."""

from django.urls import URLPattern, path

from programme.compliance import views

urlpatterns: list[URLPattern] = [
    path("staff/compliance/", views.compliance, name="compliance"),
    path("staff/compliance/recompute/", views.compliance_recompute, name="compliance_recompute"),
    path("staff/compliance/<slug:table>.csv", views.compliance_csv, name="compliance_csv"),
]
