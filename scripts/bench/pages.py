"""The pages `make bench` measures, in the order of the report (scripts/bench/run.py).

A page whose URL is not on main yet is `optional`: the run skips it and the report says so.
Runs inside the harness's Django set-up (the imports of url_kwargs need it).
"""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    url_name: str
    query: str = ""
    persona: str | None = None  # None: anonymous
    optional: bool = False  # skipped (and said so) when the URL does not exist yet
    kwargs: str = ""  # the URL's arguments, looked up by url_kwargs(): "mentee", "clinic"
    # A path instead of a URL name (the API's routes are ninja's); optional ones are skipped
    # while the path answers 404.
    path: str = ""
    token: bool = False  # sent with the bench clinic's API token (Authorization: Bearer)


def pages(today: dt.date) -> list[Page]:
    since = (today - dt.timedelta(days=90)).isoformat()
    return [
        Page("bare view (/livez)", "livez"),
        # Issue 11: the public verification page, anonymous, among a certificate for every
        # declaring trainer (programme.generate_certificates); its target is 0.5x the bare view.
        Page(
            "certificate verification",
            "programme:certificate_verify",
            optional=True,
            kwargs="certificate",
        ),
        Page("login page", "account_login"),
        Page("trainer dashboard", "home", persona="trainer"),
        Page("CPD log", "qualifications:cpd_list", persona="trainer"),
        Page("CPD progress", "qualifications:cpd_progress", persona="trainer"),
        Page("records", "trainers:records", persona="trainer"),
        Page("verification queue", "trainers:verification_queue", persona="staff"),
        Page("trainer directory", "programme:trainer_directory", persona="staff", optional=True),
        Page(
            "trainer directory, search",
            "programme:trainer_directory",
            "q=smith",
            persona="staff",
            optional=True,
        ),
        Page("audit log", "audit_log", persona="staff"),
        Page(
            "audit log, filtered",
            "audit_log",
            f"action=qualification.verify&since={since}",
            persona="staff",
        ),
        Page("admin audit list", "admin:rehabpath_auditevent_changelist", persona="staff"),
        # Issue 7: the mentoring pages, each added by its helper.
        Page("supervised sessions", "mentorship:sessions", persona="trainer", optional=True),
        Page("mentor queue", "mentorship:queue", persona="mentor", optional=True),
        Page(
            "mentee page",
            "mentorship:mentee",
            persona="mentor",
            optional=True,
            kwargs="mentee",
        ),
        # Issue 8: the staff compliance dashboard (its snapshot computed before the load),
        # the bench clinic's roster of 1,000 shared trainers (read from the cache the page keeps
        # for a few minutes; its computation is timed alone: time_roster), on the page and through
        # the API (one page of 100, with the bench clinic's token).
        Page("compliance dashboard", "programme:compliance", persona="staff", optional=True),
        Page(
            "clinic roster",
            "programme:roster",
            persona="clinic",
            optional=True,
            kwargs="clinic",
        ),
        Page(
            "API roster",
            "",
            "limit=100",
            optional=True,
            path="/api/v1/trainers",
            token=True,
        ),
        # Issue 9: the notification list and the e-mail choices (every signed-in page also
        # reads the header's unread count), and the bench clinic's webhook endpoints.
        Page("notifications", "notifications", persona="trainer", optional=True),
        Page(
            "notification preferences",
            "notification_preferences",
            persona="trainer",
            optional=True,
        ),
        Page(
            "clinic webhooks",
            "programme:webhooks",
            persona="clinic",
            optional=True,
            kwargs="clinic",
        ),
    ]


def url_kwargs(lookup: str) -> dict[str, str]:
    """A page's URL arguments: the mentee page shows the trainer persona, a current mentee of
    the mentor persona (programme.generate_mentoring) with sessions in every state; the
    roster is the bench clinic's (programme.generate_clinics), whose admin is the persona; the
    verification page shows the trainer persona's certificate."""
    if not lookup:
        return {}
    if lookup == "certificate":
        from programme.generate import PERSONAS
        from programme.models import Certificate

        code = (
            Certificate.objects.filter(trainer__user__email=PERSONAS["trainer"])
            .values_list("code", flat=True)
            .first()
        )
        if code is None:
            raise LookupError("the trainer persona has no certificate: regenerate the programme")
        return {"code": code}
    if lookup == "clinic":
        from programme.generate import PERSONAS
        from trainers.models import Clinic

        clinic = Clinic.objects.filter(memberships__user__email=PERSONAS["clinic"]).first()
        if clinic is None:
            raise LookupError("the bench clinic is missing: regenerate the programme")
        return {"clinic_id": str(clinic.public_id)}
    from mentorship.access import current_mentees_of
    from mentorship.models import MentorProfile
    from programme.generate import PERSONAS

    mentor = MentorProfile.objects.filter(user__email=PERSONAS["mentor"]).first()
    if mentor is None:
        raise LookupError("the bench mentor is missing: regenerate the programme")
    mentees = {a.trainer.user.email: a.trainer for a in current_mentees_of(mentor)}
    if lookup != "mentee" or PERSONAS["trainer"] not in mentees:
        raise LookupError(f"no {lookup!r} for the bench mentor: regenerate the programme")
    return {"public_id": str(mentees[PERSONAS["trainer"]].public_id)}
