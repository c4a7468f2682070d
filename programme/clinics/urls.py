"""URLs of programme.clinics (included by programme.urls, namespace "programme")."""

from django.urls import URLPattern, path

from programme.clinics import views

urlpatterns: list[URLPattern] = [
    # Programme staff: clinics and their admins.
    path("staff/clinics/", views.clinic_list, name="clinics"),
    path("staff/clinics/new/", views.clinic_new, name="clinic_new"),
    path("staff/clinics/<uuid:public_id>/", views.clinic_detail, name="clinic_detail"),
    path("staff/clinics/<uuid:public_id>/edit/", views.clinic_edit, name="clinic_edit"),
    path("staff/clinics/<uuid:public_id>/invite/", views.clinic_invite, name="clinic_invite"),
    path(
        "staff/clinics/<uuid:public_id>/admins/<uuid:user_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
    path(
        "staff/clinic-invitations/<uuid:public_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    # The person invited, signed in or not: the token is the key.
    path("clinic-invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    # Trainers: whom they share their record with.
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/<uuid:public_id>/stop/", views.share_stop, name="share_stop"),
    # Clinic admins: the clinics they administer.
    path("clinic/", views.clinic_home, name="clinic_home"),
]
