"""The audit log at scale: keyset pages, exact filters with plain labels, no COUNT(*).

Query counts are pinned at two sizes (the same count), and the SQL is read for what would
grow with the table: a COUNT, an OFFSET, a substring match, a DISTINCT.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehabpath.models import AuditEvent
from rehabpath.paging import cursor_of, parse_cursor

T0 = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


def _events(n, *, action="qualification.verify", start=T0, same_time=False, label="x"):
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            action=action,
            actor_label=f"{label}@example.org",
            target_type="qualifications.trainerqualification",
            target_label=f"Target {i}",
            occurred_at=start if same_time else start - dt.timedelta(minutes=i),
        )
        for i in range(n)
    )


def _ids(response):
    return [event.pk for event in response.context["page"].object_list]


def _walk(client, params=None):
    """Every event, following the Older links from the first page."""
    seen, query = [], dict(params or {})
    while True:
        response = client.get("/audit/", query)
        assert response.status_code == 200
        seen += _ids(response)
        older = response.context["page"].older
        if older is None:
            return seen
        query["older"] = older


def test_older_pages_continue_exactly_where_the_last_one_ended(client_for, staff_user):
    created = _events(120)
    client = client_for(staff_user)

    seen = _walk(client)

    expected = [e.pk for e in sorted(created, key=lambda e: (e.occurred_at, e.pk), reverse=True)]
    assert seen == expected


def test_events_of_the_same_moment_are_neither_skipped_nor_repeated(client_for, staff_user):
    created = _events(130, same_time=True)
    client = client_for(staff_user)

    seen = _walk(client)

    assert seen == sorted((e.pk for e in created), reverse=True)


def test_newer_goes_back_to_the_page_before(client_for, staff_user):
    _events(120, same_time=False)
    client = client_for(staff_user)
    first = client.get("/audit/")
    second = client.get("/audit/", {"older": first.context["page"].older})

    back = client.get("/audit/", {"newer": second.context["page"].newer})

    assert _ids(back) == _ids(first)
    assert back.context["page"].newer is None  # the top again


def test_paging_keeps_the_filters(client_for, staff_user):
    _events(60, action="qualification.verify")
    _events(60, action="insurance.verify")
    client = client_for(staff_user)

    seen = _walk(client, {"action": "insurance.verify"})

    assert len(seen) == 60
    assert set(AuditEvent.objects.filter(pk__in=seen).values_list("action", flat=True)) == {
        "insurance.verify"
    }


@pytest.mark.parametrize("cursor", ["junk", "1-", "99999999999999999999-1", ""])
def test_a_malformed_cursor_shows_the_first_page(client_for, staff_user, cursor):
    _events(3)

    response = client_for(staff_user).get("/audit/", {"older": cursor})

    assert response.status_code == 200
    assert len(_ids(response)) == 3


def test_cursors_read_back_as_the_position_they_were_made_from():
    assert parse_cursor(cursor_of(T0, 42)) == (T0, 42)
    assert parse_cursor("x-1") is None


def test_filters_are_choices_with_plain_labels(client_for, staff_user):
    response = client_for(staff_user).get("/audit/")
    form = response.context["form"]

    actions = dict(form.fields["action"].choices)
    assert actions["qualification.verify"] == "Qualification verified"
    assert actions["cpd_activity.create"] == "CPD activity added"
    assert actions["insurance.reject"] == "Insurance rejected"
    targets = dict(form.fields["target_type"].choices)
    assert targets["qualifications.cpdactivity"] == "Cpd activity" or targets[
        "qualifications.cpdactivity"
    ].lower().startswith("cpd activity")
    page = response.content.decode()
    assert "Qualification verified" in page


def test_an_unknown_action_is_a_form_error_and_lists_nothing(client_for, staff_user):
    _events(3)

    response = client_for(staff_user).get("/audit/", {"action": "verify"})

    assert response.context["form"].errors["action"]
    assert _ids(response) == []
    assert "correct the filters" in response.content.decode()


def test_the_actor_filter_matches_the_whole_address_in_any_case(client_for, staff_user):
    _events(2, label="sam")
    _events(2, label="samantha")
    client = client_for(staff_user)

    assert len(_ids(client.get("/audit/", {"actor": "SAM@example.org"}))) == 2


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"action": "qualification.verify"},
        {"actor": "x@example.org", "since": "2026-01-01", "until": "2026-12-31"},
        {"target_type": "qualifications.trainerqualification", "target_id": "abc"},
    ],
    ids=["first page", "action", "actor and dates", "target"],
)
def test_the_audit_log_runs_the_same_queries_at_two_sizes_and_never_counts(
    client_for, staff_user, params
):
    client = client_for(staff_user)
    client.get("/audit/")  # the session's first activity is recorded once
    _events(5)

    with CaptureQueriesContext(connection) as small:
        client.get("/audit/", params)
    _events(200)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/audit/", {**params, "older": cursor_of(T0, 10**9)})

    assert response.status_code == 200
    assert len(small) == len(large)
    # The log's own queries (the signed-in user's query counts their unread notifications,
    # a few index entries: rehabpath.auth).
    sql = " ".join(
        q["sql"].upper() for q in large.captured_queries if "rehabpath_auditevent" in q["sql"]
    )
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql
    assert "LIKE" not in sql


def test_the_admin_audit_list_neither_counts_the_log_nor_lists_distinct_values(
    client_for, staff_user
):
    _events(30)
    client = client_for(staff_user)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/rehabpath/auditevent/", {"action": "qualification.verify"})

    assert response.status_code == 200
    sql = [q["sql"].upper() for q in queries.captured_queries]
    assert not [q for q in sql if "DISTINCT" in q and "AUDITEVENT" in q]
    counts = [q for q in sql if "COUNT(" in q and "AUDITEVENT" in q]
    assert counts and all("LIMIT" in q for q in counts)  # a capped count
    assert "Qualification verified" in response.content.decode()  # the filter's choices


def test_the_admin_audit_search_is_exact(client_for, staff_user):
    _events(2, label="sam")
    _events(2, label="samantha")

    response = client_for(staff_user).get("/admin/rehabpath/auditevent/", {"q": "sam@example.org"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2
