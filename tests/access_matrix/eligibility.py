"""A clinic's roster, check page, stored checks and their PDF records: its admins' alone.

"trainer" shares their record with the clinic of "clinic_admin". Another clinic's admin gets
404 for every page of this clinic (its existence is not revealed); everyone who is no clinic
admin at all (trainers, mentors, staff) gets 403. A trainer who stopped sharing is a 404 on
the check page, but the checks made while they shared stay readable: they are the clinic's
record.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from programme.eligibility.services import eligibility_check_record
from programme.models import EligibilityCheck
from rehabpath.audit import Actor
from tests.access_matrix import LOGIN, AccessCase
from tests.programme.eligibility_helpers import clinic_of, share, stop_sharing

CLINIC_ADMINS = {
    "anonymous": LOGIN,
    "trainer": 403,
    "other_trainer": 403,
    "mentor": 403,
    "unassigned_mentor": 403,
    "clinic_admin": 200,
    "other_clinic_admin": 404,
    "staff": 403,
}
# The navigation's entries lead every clinic admin to their own clinic's page.
TO_OWN_CLINIC = CLINIC_ADMINS | {"clinic_admin": 302, "other_clinic_admin": 302}
GONE_FOR_THE_CLINIC = CLINIC_ADMINS | {"clinic_admin": 404}


def _clinic(users: dict) -> dict:
    clinic = clinic_of(users["clinic_admin"])
    share(users["trainer"].trainer_profile, clinic)
    return {"clinic_id": clinic.public_id}


def _trainer(users: dict) -> dict:
    kwargs = _clinic(users)
    return kwargs | {"trainer_id": users["trainer"].trainer_profile.public_id}


def _stopped_sharing(users: dict) -> dict:
    kwargs = _trainer(users)
    stop_sharing(users["trainer"].trainer_profile, clinic_of(users["clinic_admin"]))
    return kwargs


def _stored_check(users: dict, *, then_stop_sharing: bool = False) -> dict:
    kwargs = _clinic(users)
    clinic = clinic_of(users["clinic_admin"])
    check, _ = eligibility_check_record(
        actor=Actor.for_user(users["clinic_admin"]),
        clinic=clinic,
        trainers=[users["trainer"].trainer_profile],
        area_ids=None,
        on=dt.datetime.now(ZoneInfo("Europe/London")).date(),
        channel=EligibilityCheck.Channel.PAGE,
    )
    if then_stop_sharing:
        stop_sharing(users["trainer"].trainer_profile, clinic)
    return kwargs | {"check_id": check.public_id}


def _check_of_a_trainer_who_stopped(users: dict) -> dict:
    return _stored_check(users, then_stop_sharing=True)


TODAY_IN_LONDON = dt.datetime.now(ZoneInfo("Europe/London")).date().isoformat()

CASES = [
    AccessCase("programme:roster_start", TO_OWN_CLINIC),
    AccessCase("programme:checks_start", TO_OWN_CLINIC),
    AccessCase("programme:roster", CLINIC_ADMINS, kwargs=_clinic),
    AccessCase("programme:checks", CLINIC_ADMINS, kwargs=_clinic),
    AccessCase("programme:check", CLINIC_ADMINS, kwargs=_trainer),
    # A check recorded: the admin is sent to the stored record.
    AccessCase(
        "programme:check",
        CLINIC_ADMINS | {"clinic_admin": 302},
        kwargs=_trainer,
        method="post",
        data={"area": "", "on": TODAY_IN_LONDON},
    ),
    AccessCase("programme:check", GONE_FOR_THE_CLINIC, kwargs=_stopped_sharing),
    AccessCase(
        "programme:check",
        GONE_FOR_THE_CLINIC,
        kwargs=_stopped_sharing,
        method="post",
        data={"area": "", "on": TODAY_IN_LONDON},
    ),
    AccessCase("programme:check_record", CLINIC_ADMINS, kwargs=_stored_check),
    AccessCase("programme:check_pdf", CLINIC_ADMINS, kwargs=_stored_check),
    # The clinic's record outlives the sharing.
    AccessCase("programme:check_record", CLINIC_ADMINS, kwargs=_check_of_a_trainer_who_stopped),
    AccessCase("programme:check_pdf", CLINIC_ADMINS, kwargs=_check_of_a_trainer_who_stopped),
]
