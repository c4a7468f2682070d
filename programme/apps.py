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
        _register_pathway()
        _register_api_audit_actions()
        _register_certificate_audit_actions()


def _register_pathway() -> None:
    from mentorship.progress import register_requirements_source
    from programme.pathway.supervision import supervised_requirements

    # The progress tables of mentorship count supervised sessions against the rules in force.
    register_requirements_source(supervised_requirements)


def _register_audit_actions() -> None:
    from programme.models import PathwayRules
    from rehabpath.audit import register_audit_action
    from trainers.models import TrainerProfile

    # A whole import's target is the uploaded file ("trainers.import"), not a model.
    register_audit_action("trainers.import", "Trainers imported from a CSV file")
    register_audit_action("trainer.create", "Trainer added by an import", target=TrainerProfile)
    register_audit_action(
        "pathway_rules.update", "Pathway rules changed (a new version)", target=PathwayRules
    )
    # Its target is the table exported ("programme.compliance"), not a model.
    register_audit_action("compliance.export", "Compliance dashboard exported")
    _register_eligibility_actions()


def _register_eligibility_actions() -> None:
    from programme.models import EligibilityCheck
    from rehabpath.audit import register_audit_action

    register_audit_action("eligibility.check", "Eligibility checked", target=EligibilityCheck)
    register_audit_action(
        "eligibility.export", "Eligibility record downloaded (PDF)", target=EligibilityCheck
    )


def _register_api_audit_actions() -> None:
    from programme.models import ApiToken
    from rehabpath.audit import register_audit_action

    register_audit_action("api_token.create", "Clinic API token created", target=ApiToken)
    register_audit_action("api_token.revoke", "Clinic API token revoked", target=ApiToken)


def _register_certificate_audit_actions() -> None:
    from programme.models import Certificate
    from rehabpath.audit import register_audit_action

    for code, label in (
        ("certificate.issue", "Certificate issued"),
        ("certificate.revoke", "Certificate revoked"),
        ("certificate.reissue", "Certificate re-issued (replaced by a new one)"),
        ("certificate.suspend_revoke", "Certificate revoked: the trainer was suspended"),
        ("certificate.reinstate_issue", "Certificate issued again: the trainer was reinstated"),
        (
            "certificate.reinstate_skip",
            "No certificate on reinstatement: no longer recognised",
        ),
    ):
        register_audit_action(code, label, target=Certificate)
