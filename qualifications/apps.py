from django.apps import AppConfig


class QualificationsConfig(AppConfig):
    name = "qualifications"

    def ready(self) -> None:
        from qualifications import mails  # noqa: F401 - mails registers its context builders
        from qualifications.kinds import QUALIFICATION
        from trainers.records import register_record_kind

        register_record_kind(QUALIFICATION)
