from django.urls import URLPattern, path

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
