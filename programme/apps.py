from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = "Programme"

    def ready(self) -> None:
        from programme.dashboard import trainer_panel
        from rehabpath.dashboard import register_panel
        from rehabpath.roles import Role

        register_panel(Role.TRAINER, "rehabpath/panels/trainer.html", trainer_panel)
