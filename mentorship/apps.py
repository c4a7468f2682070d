from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"

    def ready(self) -> None:
        from mentorship.dashboard import mentor_panel
        from rehabpath.dashboard import register_panel
        from rehabpath.roles import Role

        register_panel(Role.MENTOR, "rehabpath/panels/mentor.html", mentor_panel)
