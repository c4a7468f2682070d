from django.urls import URLPattern, path

from mentorship.views import assignments, meetings, scope, workspace
from mentorship.views import sessions as session_views

app_name = "mentorship"
urlpatterns: list[URLPattern] = [
    path("staff/mentoring/", assignments.mentoring, name="mentoring"),
    path("staff/mentoring/assign/<uuid:public_id>/", assignments.assign, name="assign"),
    path("staff/mentoring/<uuid:public_id>/end/", assignments.end, name="end"),
    # The mentor's workspace (helper `workspace`).
    path("mentor/queue/", workspace.queue, name="queue"),
    path("mentor/mentees/<uuid:public_id>/", workspace.mentee, name="mentee"),
    # Supervision meetings (mentorship.views.meetings).
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<uuid:public_id>/", meetings.meeting, name="meeting"),
    path("meetings/<uuid:public_id>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<uuid:public_id>/confirm/",
        meetings.meeting_confirm_view,
        name="meeting_confirm",
    ),
    path(
        "meetings/<uuid:public_id>/dispute/",
        meetings.meeting_dispute_view,
        name="meeting_dispute",
    ),
    path(
        "meetings/<uuid:public_id>/withdraw/",
        meetings.meeting_withdraw_view,
        name="meeting_withdraw",
    ),
    # Scope of practice (mentorship.views.scope).
    path("scope/", scope.scope, name="scope"),
    path("scope/declare/", scope.scope_declare, name="scope_declare"),
    path("staff/scope/", scope.scope_statements, name="scope_statements"),
    path("staff/scope/new/", scope.scope_statement_new, name="scope_statement_new"),
    path("staff/scope/<uuid:public_id>/", scope.scope_statement, name="scope_statement"),
    path(
        "staff/scope/<uuid:public_id>/edit/",
        scope.scope_statement_edit,
        name="scope_statement_edit",
    ),
    path(
        "staff/scope/<uuid:public_id>/publish/",
        scope.scope_statement_publish,
        name="scope_statement_publish",
    ),
    # Supervised sessions (helper "sessions").
    path("sessions/", session_views.sessions, name="sessions"),
    path("sessions/new/", session_views.session_new, name="session_new"),
    path("sessions/<uuid:public_id>/", session_views.session, name="session"),
    path("sessions/<uuid:public_id>/edit/", session_views.session_edit, name="session_edit"),
    path(
        "sessions/<uuid:public_id>/submit/",
        session_views.session_submit_view,
        name="session_submit",
    ),
    path(
        "sessions/<uuid:public_id>/delete/",
        session_views.session_delete_view,
        name="session_delete",
    ),
    path("sessions/<uuid:public_id>/decide/", session_views.session_decide, name="session_decide"),
]
