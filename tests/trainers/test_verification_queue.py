"""The verification queue at volume: filters, orders, keyset pages, a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from qualifications.models import TrainerQualification
from tests import factories
from tests.trainers.test_evidence import attach
from tests.trainers.uploads import good_pdf
from trainers.models import VerificationStatus

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
QUEUE = "trainers:verification_queue"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def queue(client, **params):
    response = client.get(reverse(QUEUE), params)
    assert response.status_code == 200
    return response


def listed(response) -> list:
    return [row.record for row in response.context["page"].rows]


@pytest.fixture
def mixed(trainer_user):
    """Five pending records of three kinds and ages, two with evidence; one decided record."""
    profile = trainer_user.trainer_profile
    records = {
        "dbs_old": factories.DBSCheckFactory(trainer=profile, submitted_at=ago(20)),
        "qual_mid": factories.TrainerQualificationFactory(trainer=profile, submitted_at=ago(9)),
        "ins_mid": factories.InsuranceFactory(trainer=profile, submitted_at=ago(6)),
        "qual_new": factories.TrainerQualificationFactory(trainer=profile, submitted_at=ago(2)),
        "ins_new": factories.InsuranceFactory(trainer=profile, submitted_at=ago(0.5)),
    }
    attach(records["qual_mid"], good_pdf())
    attach(records["ins_new"], good_pdf())
    factories.InsuranceFactory(trainer=profile, status=VerificationStatus.VERIFIED)
    return records


def test_oldest_first_by_default_and_newest_on_request(client_for, staff_user, mixed):
    client = client_for(staff_user)
    oldest = ["dbs_old", "qual_mid", "ins_mid", "qual_new", "ins_new"]
    assert listed(queue(client)) == [mixed[k] for k in oldest]
    assert listed(queue(client, sort="newest")) == [mixed[k] for k in reversed(oldest)]


def test_sorted_by_kind_in_the_registry_order(client_for, staff_user, mixed):
    response = queue(client_for(staff_user), sort="kind")
    # Qualifications, insurance, DBS checks (the registered kinds' order), oldest first in each.
    assert listed(response) == [
        mixed["qual_mid"],
        mixed["qual_new"],
        mixed["ins_mid"],
        mixed["ins_new"],
        mixed["dbs_old"],
    ]


def test_filter_by_kind_age_and_evidence(client_for, staff_user, mixed):
    client = client_for(staff_user)
    assert listed(queue(client, kind="insurance")) == [mixed["ins_mid"], mixed["ins_new"]]
    assert listed(queue(client, age="5")) == [mixed["dbs_old"], mixed["qual_mid"], mixed["ins_mid"]]
    assert listed(queue(client, age="14")) == [mixed["dbs_old"]]
    assert listed(queue(client, evidence="yes")) == [mixed["qual_mid"], mixed["ins_new"]]
    assert listed(queue(client, evidence="no")) == [
        mixed["dbs_old"],
        mixed["ins_mid"],
        mixed["qual_new"],
    ]
    both = queue(client, kind="qualification", evidence="no")
    assert listed(both) == [mixed["qual_new"]]
    assert both.context["page"].total == 1
    assert "1 record waiting matches these filters" in both.content.decode()


def test_the_kind_filter_offers_every_registered_kind(client_for, staff_user):
    html = queue(client_for(staff_user)).content.decode()
    for slug in ("qualification", "insurance", "dbs"):
        assert f'<option value="{slug}"' in html


def test_unknown_filter_values_show_the_whole_queue(client_for, staff_user, mixed):
    response = queue(client_for(staff_user), kind="nope", age="999", sort="sideways")
    assert len(listed(response)) == 5


def test_nothing_matching_says_so(client_for, staff_user, mixed):
    response = queue(client_for(staff_user), age="30")
    assert "No waiting record matches these filters." in response.content.decode()


def test_rows_say_how_long_they_have_waited(client_for, staff_user, mixed):
    html = queue(client_for(staff_user)).content.decode()
    assert "waiting 20 days" in html and "waiting today" in html


def _pending_records(count: int) -> list:
    """`count` pending records spread over the kinds, one second apart, every one with a file."""
    factories_by_turn = (
        factories.TrainerQualificationFactory,
        factories.InsuranceFactory,
        factories.DBSCheckFactory,
    )
    prerequisite = factories.QualificationTypeFactory.create()
    records = []
    for n in range(count):
        profile = factories.TrainerProfileFactory()
        record = factories_by_turn[n % 3].create(
            trainer=profile, submitted_at=ago(30) + dt.timedelta(seconds=n)
        )
        if isinstance(record, TrainerQualification):
            record.qualification_type.prerequisites.add(prerequisite)
        attach(record, good_pdf(), good_pdf("second.pdf"))
        records.append(record)
    return records


def test_pages_of_25_by_keyset_across_kinds(client_for, staff_user):
    records = _pending_records(60)
    client = client_for(staff_user)
    first = queue(client)
    page = first.context["page"]
    assert listed(first) == records[:25]
    assert page.total == 60 and page.previous_cursor is None
    second = queue(client, after=page.next_cursor)
    assert listed(second) == records[25:50]
    third = queue(client, after=second.context["page"].next_cursor)
    assert listed(third) == records[50:]
    assert third.context["page"].next_cursor is None
    back = queue(client, before=third.context["page"].previous_cursor)
    assert listed(back) == records[25:50]
    assert listed(queue(client, before=back.context["page"].previous_cursor)) == records[:25]


def test_pages_keep_the_filters_and_the_order(client_for, staff_user):
    records = _pending_records(60)
    client = client_for(staff_user)
    first = queue(client, sort="newest", evidence="yes")
    assert listed(first) == list(reversed(records))[:25]
    cursor = first.context["page"].next_cursor
    assert f"sort=newest&amp;evidence=yes&amp;after={cursor.replace(':', '%3A')}" in (
        first.content.decode()
    )
    by_kind = queue(client, sort="kind")
    nxt = queue(client, sort="kind", after=by_kind.context["page"].next_cursor)
    qualifications = records[0::3]
    assert listed(by_kind) == qualifications[:20] + records[1::3][:5]
    assert listed(nxt)[:15] == records[1::3][5:]


def test_a_bad_cursor_starts_from_the_beginning(client_for, staff_user, mixed):
    client = client_for(staff_user)
    for cursor in ("junk", "insurance:not-a-uuid", "nokind:00000000-0000-0000-0000-000000000000"):
        assert len(listed(queue(client, after=cursor))) == 5


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_does_not_grow_with_pending_records(
    client_for, staff_user, count, django_assert_num_queries
):
    _pending_records(count)
    client = client_for(staff_user)
    queue(client)  # warm the content-type cache
    with django_assert_num_queries(QUERIES_QUEUE):
        queue(client)
    with django_assert_num_queries(QUERIES_QUEUE_ONE_KIND):
        queue(client, kind="qualification", age="5", evidence="yes", sort="newest")


# the user (with roles and second factor: rehabpath.auth); one count of every kind's matching
# rows; per kind its rows and their evidence (6); the prerequisites of the page's
# qualification types and what their trainers hold (2).
QUERIES_QUEUE = 10
# One kind: the count, its rows and their evidence, the prerequisites (2).
QUERIES_QUEUE_ONE_KIND = 6


@pytest.mark.parametrize("count", [6, 40])
def test_query_count_is_the_same_on_a_later_page(
    client_for, staff_user, count, django_assert_num_queries
):
    records = _pending_records(count)
    client = client_for(staff_user)
    queue(client)
    cursor = f"dbs:{records[2].public_id}"  # every kind still has rows after it
    with django_assert_num_queries(QUERIES_QUEUE + 1):  # the cursor row
        queue(client, after=cursor)


def test_a_queue_page_is_an_index_range_scan_with_no_sort_on_postgresql(db):
    """At 2,000+ pending records with equal submission times, sorting the ties cost a scan
    of the whole tie group; the (status, submitted_at, id) index hands over rows in order."""
    from django.db import connection
    from django.utils import timezone

    from trainers.records import record_kinds
    from trainers.selectors import QueueFilters, _pending

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    for kind in record_kinds():
        rows = _pending(kind, QueueFilters(), timezone.now()).order_by("submitted_at", "id")
        sql, params = rows[:26].query.sql_with_params()
        with connection.cursor() as cursor:
            # On a test database's few rows the planner may prefer a bitmap scan and a sort
            # whatever the indexes; with both off it sorts only if no index gives the order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "_queue_idx" in plan, plan
        assert "Sort" not in plan, plan
