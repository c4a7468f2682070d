"""URLs of programme.eligibility (included by programme.urls, namespace "programme").

Everything a clinic admin reads lives under their clinic's public id; the two entries without
one are the navigation's, which lead to the admin's clinic (or the list of them).
"""

from django.urls import URLPattern, path

from programme.eligibility import views

urlpatterns: list[URLPattern] = [
    path("clinic/roster/", views.roster_start, name="roster_start"),
    path("clinic/checks/", views.checks_start, name="checks_start"),
    path("clinic/<uuid:clinic_id>/roster/", views.roster, name="roster"),
    path("clinic/<uuid:clinic_id>/trainers/<uuid:trainer_id>/", views.check, name="check"),
    path("clinic/<uuid:clinic_id>/checks/", views.checks, name="checks"),
    path(
        "clinic/<uuid:clinic_id>/checks/<uuid:check_id>/", views.check_record, name="check_record"
    ),
    path("clinic/<uuid:clinic_id>/checks/<uuid:check_id>/pdf/", views.check_pdf, name="check_pdf"),
]
