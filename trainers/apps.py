from django.apps import AppConfig


class TrainersConfig(AppConfig):
    name = "trainers"

    def ready(self) -> None:
        from rehabpath.dashboard import register_panel
        from rehabpath.roles import Role
        from trainers import dashboard, kinds, mails  # noqa: F401 - mails registers its builders
        from trainers.records import register_record_kind

        register_record_kind(kinds.INSURANCE)
        register_record_kind(kinds.DBS)
        register_panel(
            Role.CLINIC_ADMIN, "rehabpath/panels/clinic_admin.html", dashboard.clinic_admin_panel
        )
        register_panel(Role.STAFF, "rehabpath/panels/staff.html", dashboard.staff_panel)
        _register_audit_actions()


def _register_audit_actions() -> None:
    from rehabpath.audit import register_audit_action
    from trainers.models import Clinic, ClinicInvitation, ClinicShare, TrainerProfile

    # trainers.services.trainer_suspend / trainer_reinstate.
    register_audit_action("trainer.suspend", "Trainer suspended", target=TrainerProfile)
    register_audit_action("trainer.reinstate", "Trainer reinstated", target=TrainerProfile)

    # trainers.clinics: clinics, their admins' invitations and memberships, trainers' sharing.
    register_audit_action("clinic.create", "Clinic added", target=Clinic)
    register_audit_action("clinic.update", "Clinic changed", target=Clinic)
    register_audit_action(
        "clinic_invitation.create", "Clinic admin invited", target=ClinicInvitation
    )
    register_audit_action(
        "clinic_invitation.revoke", "Clinic admin invitation revoked", target=ClinicInvitation
    )
    register_audit_action(
        "clinic_invitation.accept", "Clinic admin invitation accepted", target=ClinicInvitation
    )
    register_audit_action("clinic_membership.remove", "Clinic admin removed", target=Clinic)
    register_audit_action("clinic_share.start", "Trainer started sharing", target=ClinicShare)
    register_audit_action("clinic_share.stop", "Trainer stopped sharing", target=ClinicShare)
