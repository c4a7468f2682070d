from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = "Programme"

    def ready(self) -> None:
        from programme.dashboard import trainer_panel
        from rehabpath.dashboard import register_panel
        from rehabpath.roles import Role

        register_panel(Role.TRAINER, "rehabpath/panels/trainer.html", trainer_panel)
        _register_audit_actions()


def _register_audit_actions() -> None:
    from rehabpath.audit import register_audit_action
    from trainers.models import TrainerProfile

    # A whole import's target is the uploaded file ("trainers.import"), not a model.
    register_audit_action("trainers.import", "Trainers imported from a CSV file")
    register_audit_action("trainer.create", "Trainer added by an import", target=TrainerProfile)
