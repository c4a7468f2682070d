"""The CPD log: a trainer's own pages; staff may read one activity, never change it.

The mentor and clinic-admin personas hold no trainer profile: the trainer-only pages are a 403
for them, and an activity is a 404 (they have no business knowing it exists).
"""

from tests.access_matrix import LOGIN, AccessCase


def _activity_of_trainer(users: dict) -> dict:
    from tests.factories import CPDActivityFactory

    activity = CPDActivityFactory.create(trainer=users["trainer"].trainer_profile)
    return {"public_id": activity.public_id}


# Every trainer has their own log: "other_trainer" sees theirs, not the trainer's.
OWN_PAGE = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 403,
    "unassigned_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}
READ_ACTIVITY = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 404,
    "mentor": 404,
    "unassigned_mentor": 404,
    "clinic_admin": 404,
    "other_clinic_admin": 404,
    "staff": 200,
}
WRITE_ACTIVITY = {**READ_ACTIVITY, "staff": 403}


def _export_of_trainer(users: dict) -> dict:
    """A ready portfolio export of "trainer" (its file in the test's private storage)."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from qualifications.models import PortfolioExport

    export = PortfolioExport(
        trainer=users["trainer"].trainer_profile,
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 11, 27),
        format="csv",
        status=PortfolioExport.Status.READY,
    )
    export.file.save("portfolio.csv", ContentFile(b"record,date\n"), save=False)
    export.save()
    return {"public_id": export.public_id}


# The owner reads and downloads their export; staff read it (an audit); nobody else knows it.
READ_EXPORT = READ_ACTIVITY

CASES = [
    AccessCase("qualifications:cpd_list", OWN_PAGE),
    AccessCase("qualifications:cpd_add", OWN_PAGE),
    # An empty form comes back with its errors (200), nothing is saved.
    AccessCase("qualifications:cpd_add", OWN_PAGE, method="post"),
    AccessCase("qualifications:cpd_progress", OWN_PAGE),
    AccessCase("qualifications:cpd_export", OWN_PAGE),
    AccessCase("qualifications:cpd_export", OWN_PAGE, method="post", data={"start": "x"}),
    AccessCase("qualifications:cpd_export_status", READ_EXPORT, kwargs=_export_of_trainer),
    AccessCase("qualifications:cpd_export_download", READ_EXPORT, kwargs=_export_of_trainer),
    AccessCase("qualifications:cpd_year_settings", OWN_PAGE),
    # An empty form comes back with its errors (200), nothing is saved.
    AccessCase("qualifications:cpd_year_settings", OWN_PAGE, method="post"),
    # A gap is named by its dates in the query string; without them there is no gap (404).
    AccessCase(
        "qualifications:cpd_gap_explain", {**OWN_PAGE, "trainer": 404, "other_trainer": 404}
    ),
    AccessCase(
        "qualifications:cpd_gap_explain",
        {**OWN_PAGE, "trainer": 404, "other_trainer": 404},
        method="post",
    ),
    AccessCase("qualifications:cpd_detail", READ_ACTIVITY, kwargs=_activity_of_trainer),
    AccessCase("qualifications:cpd_edit", WRITE_ACTIVITY, kwargs=_activity_of_trainer),
    AccessCase(
        "qualifications:cpd_edit", WRITE_ACTIVITY, kwargs=_activity_of_trainer, method="post"
    ),
    AccessCase("qualifications:cpd_delete", WRITE_ACTIVITY, kwargs=_activity_of_trainer),
    # The owner's delete redirects to the log (302); everyone else is refused before it.
    AccessCase(
        "qualifications:cpd_delete",
        {**WRITE_ACTIVITY, "trainer": 302},
        kwargs=_activity_of_trainer,
        method="post",
    ),
]
