from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"

    def ready(self) -> None:
        from mentorship.dashboard import mentor_panel
        from rehabpath.dashboard import register_panel
        from rehabpath.roles import Role

        register_panel(Role.MENTOR, "rehabpath/panels/mentor.html", mentor_panel)
        _register_audit_actions()
        # Supervised sessions: audit actions, and the mails' context builders.
        from mentorship import session_mails  # noqa: F401 - registers its context builders

        _register_session_audit_actions()


def _register_audit_actions() -> None:
    from mentorship.models import MentorAssignment, SupervisionMeeting
    from rehabpath.audit import register_audit_action

    # mentorship.services.assignments.
    register_audit_action("mentor_assignment.create", "Mentor assigned", target=MentorAssignment)
    register_audit_action(
        "mentor_assignment.end", "Mentor assignment ended", target=MentorAssignment
    )

    # mentorship.services.scope.
    from mentorship.models import ScopeDeclaration, ScopeStatement

    register_audit_action("scope_statement.draft", "Scope statement drafted", target=ScopeStatement)
    register_audit_action(
        "scope_statement.edit", "Scope statement draft edited", target=ScopeStatement
    )
    register_audit_action(
        "scope_statement.publish", "Scope statement published", target=ScopeStatement
    )
    register_audit_action(
        "scope_declaration.sign", "Scope declaration signed", target=ScopeDeclaration
    )
    # mentorship.services.meetings.
    for verb, label in (
        ("record", "Supervision meeting recorded"),
        ("update", "Supervision meeting corrected"),
        ("confirm", "Supervision meeting confirmed"),
        ("dispute", "Supervision meeting disputed"),
        ("withdraw", "Supervision meeting withdrawn"),
    ):
        register_audit_action(f"supervision_meeting.{verb}", label, target=SupervisionMeeting)


def _register_session_audit_actions() -> None:
    from mentorship.models import SupervisedSession
    from rehabpath.audit import register_audit_action

    # mentorship.services.sessions.
    for action, label in (
        ("create", "Supervised session logged"),
        ("update", "Supervised session changed"),
        ("delete", "Supervised session deleted"),
        ("submit", "Supervised session submitted"),
        ("resubmit", "Supervised session resubmitted"),
        ("return", "Supervised session returned"),
        ("sign_off", "Supervised session signed off"),
    ):
        register_audit_action(f"supervised_session.{action}", label, target=SupervisedSession)
