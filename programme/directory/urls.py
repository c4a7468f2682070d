"""The trainer directory's routes; programme/urls.py adds them to the programme namespace."""

from django.urls import URLPattern, path

from programme.directory import views

urlpatterns: list[URLPattern] = [
    path("staff/trainers/", views.trainer_directory, name="trainer_directory"),
    path("staff/trainers/<uuid:public_id>/", views.trainer_detail, name="trainer_detail"),
    path(
        "staff/trainers/<uuid:public_id>/suspend/",
        views.trainer_suspend_view,
        name="trainer_suspend",
    ),
    path(
        "staff/trainers/<uuid:public_id>/reinstate/",
        views.trainer_reinstate_view,
        name="trainer_reinstate",
    ),
]
