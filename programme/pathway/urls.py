"""URLs of programme.pathway (included by programme.urls, namespace "programme")."""

from django.urls import URLPattern, path

from programme.pathway import staff_views, views

urlpatterns: list[URLPattern] = [
    # The trainer's own pathway, every condition area.
    path("pathway/", views.pathway, name="pathway"),
    # Programme staff: the rules in force and their versions; a save makes a new version.
    path("staff/pathway/", staff_views.pathway_rules, name="pathway_rules"),
    path("staff/pathway/edit/", staff_views.pathway_rules_edit, name="pathway_rules_edit"),
    path(
        "staff/pathway/<int:version>/",
        staff_views.pathway_rules_version,
        name="pathway_rules_version",
    ),
]
