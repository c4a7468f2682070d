from django.apps import AppConfig


class QualificationsConfig(AppConfig):
    name = "qualifications"

    def ready(self) -> None:
        from qualifications import mails  # noqa: F401 - mails registers its context builders
        from qualifications.kinds import QUALIFICATION
        from trainers.records import register_record_kind

        register_record_kind(QUALIFICATION)
        _register_audit_actions()


def _register_audit_actions() -> None:
    from qualifications.models import CPDActivity, CPDGapExplanation, PortfolioExport
    from rehabpath.audit import register_audit_action
    from trainers.models import TrainerProfile

    for code, label, target in (
        ("cpd_activity.create", "CPD activity added", CPDActivity),
        ("cpd_activity.update", "CPD activity changed", CPDActivity),
        ("cpd_activity.delete", "CPD activity deleted", CPDActivity),
        ("cpd_gap_explanation.create", "CPD gap explained", CPDGapExplanation),
        ("cpd_gap_explanation.update", "CPD gap explanation changed", CPDGapExplanation),
        ("cpd_gap_explanation.delete", "CPD gap explanation deleted", CPDGapExplanation),
        ("cpd_year_start.update", "CPD year start changed", TrainerProfile),
        ("practice_summary.update", "Practice summary changed", TrainerProfile),
        ("cpd.export", "CPD portfolio asked for", PortfolioExport),
        ("cpd.export.ready", "CPD portfolio ready", PortfolioExport),
        ("cpd.export.failed", "CPD portfolio failed", PortfolioExport),
        ("cpd.export.download", "CPD portfolio downloaded", PortfolioExport),
    ):
        register_audit_action(code, label, target=target)
