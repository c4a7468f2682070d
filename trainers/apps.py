from django.apps import AppConfig


class TrainersConfig(AppConfig):
    name = "trainers"

    def ready(self) -> None:
        # Registers the account-claim mail's context builder in every process (web and worker).
        from trainers import mails  # noqa: F401
