from django.urls import URLPattern, path

from programme.directory import urls as directory_urls
from programme.imports import views as import_views

app_name = "programme"
urlpatterns: list[URLPattern] = []

# Bulk import of trainers and qualifications (programme staff).
urlpatterns += [
    path("staff/import/", import_views.bulk_import, name="bulk_import"),
    path("staff/import/confirm/", import_views.bulk_import_confirm, name="bulk_import_confirm"),
    path(
        "staff/import/template.csv", import_views.bulk_import_template, name="bulk_import_template"
    ),
]

# The trainer directory: search, each trainer's page, suspend and reinstate (programme staff).
urlpatterns += directory_urls.urlpatterns
