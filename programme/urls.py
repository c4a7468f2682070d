from django.urls import URLPattern, path

from programme.api import urls as api_urls
from programme.certificates import urls as certificates_urls
from programme.clinics import urls as clinics_urls
from programme.compliance import urls as compliance_urls
from programme.directory import urls as directory_urls
from programme.eligibility import urls as eligibility_urls
from programme.imports import views as import_views
from programme.pathway import urls as pathway_urls
from programme.webhooks import urls as webhooks_urls

app_name = "programme"
urlpatterns: list[URLPattern] = []

# Competency certificates: public verification, issuing and revoking (staff), the trainer's
# own. First: the public verification page is the most-read route, and Django tries each
# pattern in turn (a tenth of a millisecond a request behind the rest of the programme's).
urlpatterns += certificates_urls.urlpatterns

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

# Pathway (the trainer's page, the staff's rules), clinics and sharing, eligibility (roster,
# checks, PDF records, API tokens), the compliance dashboard: one module each.
urlpatterns += pathway_urls.urlpatterns
urlpatterns += clinics_urls.urlpatterns
urlpatterns += eligibility_urls.urlpatterns
urlpatterns += compliance_urls.urlpatterns
urlpatterns += api_urls.urlpatterns
urlpatterns += webhooks_urls.urlpatterns
