from django.urls import URLPattern, path

from mentorship.views import assignments, workspace

app_name = "mentorship"
urlpatterns: list[URLPattern] = [
    path("staff/mentoring/", assignments.mentoring, name="mentoring"),
    path("staff/mentoring/assign/<uuid:public_id>/", assignments.assign, name="assign"),
    path("staff/mentoring/<uuid:public_id>/end/", assignments.end, name="end"),
    # The mentor's workspace (helper `workspace`).
    path("mentor/queue/", workspace.queue, name="queue"),
    path("mentor/mentees/<uuid:public_id>/", workspace.mentee, name="mentee"),
]
