from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from rehabpath import health, views
from rehabpath.inbox import views as inbox

admin.site.site_header = "RehabPath catalogue"
admin.site.site_title = "RehabPath admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("audit/", views.audit_log, name="audit_log"),
    path("notifications/", inbox.notifications, name="notifications"),
    path("notifications/<uuid:public_id>/open/", inbox.notification_open, name="notification_open"),
    path("notifications/read-all/", inbox.notifications_read_all, name="notifications_read_all"),
    path(
        "notifications/preferences/",
        inbox.notification_preferences,
        name="notification_preferences",
    ),
    path("accounts/", include("allauth.urls")),
    path("trainers/", include("trainers.urls")),
    path("qualifications/", include("qualifications.urls")),
    path("", include("programme.urls")),
    # The clinics' JSON API; a string, as the core imports no app.
    path("api/v1/", include("programme.api.site_urls")),
    path("", include("mentorship.urls")),
    # The admin login goes through allauth (same rate limits, same MFA): this route comes
    # before the admin's own and takes its URL, so "admin:login" reaches it too.
    path("admin/login/", secure_admin_login(admin.site.login), name="admin_login"),
    path("admin/", admin.site.urls),
]
