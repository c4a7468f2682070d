"""Scope of practice: each trainer's own pages; the statement versions are programme staff's.

Mentors (assigned, unassigned or ended) and clinic admins hold no trainer profile here: the
trainer pages refuse them by role (403), whatever their relation to "trainer". Staff read a
trainer's declarations on the trainer directory, not through these pages.
"""

from tests.access_matrix import LOGIN, STAFF_ONLY, AccessCase


def _statement(users: dict) -> dict:
    from tests.factories import published_scope_statement

    published_scope_statement()
    return {}


def _published(users: dict) -> dict:
    from tests.factories import published_scope_statement

    return {"public_id": published_scope_statement().public_id}


def _draft(users: dict) -> dict:
    import datetime as dt

    from mentorship.models import ScopeStatement

    draft = ScopeStatement.objects.create(
        title="Draft", text="Words", effective_on=dt.date(2030, 1, 1)
    )
    return {"public_id": draft.public_id}


OWN_PAGE = {
    "anonymous": LOGIN,
    "trainer": 200,
    "other_trainer": 200,
    "mentor": 403,
    "unassigned_mentor": 403,
    "ended_mentor": 403,
    "clinic_admin": 403,
    "other_clinic_admin": 403,
    "staff": 403,
}
# Publishing redirects back to the version's page, published or refused with a message.
PUBLISH = {**STAFF_ONLY, "ended_mentor": 403, "staff": 302}

CASES = [
    AccessCase("mentorship:scope", OWN_PAGE),
    AccessCase("mentorship:scope", OWN_PAGE, kwargs=_statement),
    AccessCase("mentorship:scope_declare", OWN_PAGE, kwargs=_statement),
    # With nothing published there is nothing to sign: back to the scope page.
    AccessCase("mentorship:scope_declare", {**OWN_PAGE, "trainer": 302, "other_trainer": 302}),
    # An empty form comes back with its errors (200); nothing is signed.
    AccessCase("mentorship:scope_declare", OWN_PAGE, kwargs=_statement, method="post"),
    AccessCase("mentorship:scope_statements", STAFF_ONLY),
    AccessCase("mentorship:scope_statements", STAFF_ONLY, kwargs=_statement),
    AccessCase("mentorship:scope_statement_new", STAFF_ONLY),
    AccessCase("mentorship:scope_statement_new", STAFF_ONLY, method="post"),
    AccessCase("mentorship:scope_statement", STAFF_ONLY, kwargs=_draft),
    AccessCase("mentorship:scope_statement", STAFF_ONLY, kwargs=_published),
    AccessCase("mentorship:scope_statement_edit", STAFF_ONLY, kwargs=_draft),
    AccessCase("mentorship:scope_statement_edit", STAFF_ONLY, kwargs=_draft, method="post"),
    # A published version is never edited: staff are sent back to it with a message.
    AccessCase("mentorship:scope_statement_edit", {**STAFF_ONLY, "staff": 302}, kwargs=_published),
    AccessCase("mentorship:scope_statement_publish", PUBLISH, kwargs=_draft, method="post"),
]
