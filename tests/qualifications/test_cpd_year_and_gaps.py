"""The trainer's CPD year start (their membership anniversary) and their gap explanations."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from qualifications.models import CPDGapExplanation
from qualifications.portfolio import build_portfolio, render_portfolio_csv
from qualifications.selectors import cpd_summary_for
from rehabpath.models import AuditEvent
from tests import factories

TODAY = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def signed_up_in_november(trainer_user):
    """Joined on 1 November 2026; their CIMSPA membership renews every 1 April."""
    profile = trainer_user.trainer_profile
    profile.cpd_year_start = dt.date(2026, 11, 1)
    profile.save()
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 10, 15), title="October")
    return profile


def test_an_activity_before_signing_up_counts_once_the_anniversary_is_set(
    client_for, trainer_user, signed_up_in_november
):
    """Issue 6 (5): the CPD year began on the sign-up day and could not be changed, so
    October's course counted in no year the trainer could see."""
    profile = signed_up_in_november
    assert cpd_summary_for(profile).activity_count == 0

    client = client_for(trainer_user)
    response = client.post(reverse("qualifications:cpd_year_settings"), {"day": 1, "month": 4})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.cpd_year_start.day, profile.cpd_year_start.month) == (1, 4)
    summary = cpd_summary_for(profile)
    assert (summary.year.start, summary.year.end) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))
    assert summary.activity_count == 1
    page = client.get(response["Location"]).content.decode()
    assert "Your CPD year now starts on 1 April. This CPD year: 1 Apr 2026 to 31 Mar 2027." in page
    event = AuditEvent.objects.get(action="cpd_year_start.update")
    assert event.actor == trainer_user
    assert event.before == {"cpd_year_start": "2026-11-01"}
    assert event.after == {"cpd_year_start": profile.cpd_year_start.isoformat()}


def test_saving_the_same_start_changes_nothing(client_for, trainer_user):
    profile = trainer_user.trainer_profile  # 1 April (the factory's)
    client = client_for(trainer_user)
    response = client.post(
        reverse("qualifications:cpd_year_settings"), {"day": 1, "month": 4}, follow=True
    )
    assert "Nothing changed." in response.content.decode()
    assert not AuditEvent.objects.filter(action="cpd_year_start.update").exists()
    profile.refresh_from_db()
    assert profile.cpd_year_start == dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("day", "month", "message"),
    [(31, 2, "Enter a real day of that month."), ("", 4, "Choose the day.")],
)
def test_a_day_that_does_not_exist_is_explained(client_for, trainer_user, day, month, message):
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_year_settings"), {"day": day, "month": month}
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_29_february_anniversary_starts_on_28_february_in_common_years(client_for, trainer_user):
    client_for(trainer_user).post(
        reverse("qualifications:cpd_year_settings"), {"day": 29, "month": 2}
    )
    profile = trainer_user.trainer_profile
    profile.refresh_from_db()
    assert (profile.cpd_year_start.month, profile.cpd_year_start.day) == (2, 29)
    year = cpd_summary_for(profile).year
    assert (year.start, year.end) == (dt.date(2026, 2, 28), dt.date(2027, 2, 27))


def test_list_detail_and_form_say_which_cpd_year_an_activity_counts_in(client_for, trainer_user):
    profile = trainer_user.trainer_profile  # CPD year from 1 April
    old = factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 3, 20), title="March")
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 5, 2), title="May")
    client = client_for(trainer_user)

    html = client.get(reverse("qualifications:cpd_list")).content.decode()
    assert "Counts in CPD year 1 Apr 2026 to 31 Mar 2027</p>" in html
    assert "Counts in CPD year 1 Apr 2025 to 31 Mar 2026 (not this one)" in html

    html = client.get(reverse("qualifications:cpd_detail", args=[old.public_id])).content.decode()
    assert "1 Apr 2025 to 31 Mar 2026 (not the current one)" in html

    html = client.get(reverse("qualifications:cpd_add")).content.decode()
    assert "Your current CPD year runs from 1 Apr 2026 to 31 Mar 2027" in html


def test_logging_an_activity_of_an_earlier_year_says_so(client_for, trainer_user):
    response = client_for(trainer_user).post(
        reverse("qualifications:cpd_add"),
        {
            "date": "2026-03-20",
            "title": "Falls prevention",
            "activity_type": "course",
            "hours": "2",
            "what_i_did": "A course.",
            "what_i_learnt": "Otago exercises.",
            "how_it_benefits": "Fewer falls.",
        },
        follow=True,
    )
    assert (
        "It counts in the CPD year 1 Apr 2025 to 31 Mar 2026, not in this one."
        in response.content.decode()
    )


# --- Gap explanations -----------------------------------------------------------------------


@pytest.fixture
def gappy(trainer_user):
    """CPD on 20 April and 3 September 2026: no CPD from 21 April to 2 September."""
    profile = trainer_user.trainer_profile
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 4, 20), title="April")
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 9, 3), title="September")
    return profile


GAP = {"start": "2026-04-21", "end": "2026-09-02"}


def test_trainer_explains_a_gap_and_sees_it_on_the_progress_page(client_for, trainer_user, gappy):
    """Issue 6 (6): the progress page flagged gaps but nothing could be typed to explain them."""
    client = client_for(trainer_user)
    progress = client.get(reverse("qualifications:cpd_progress")).content.decode()
    link = reverse("qualifications:cpd_gap_explain") + "?start=2026-04-21&amp;end=2026-09-02"
    assert f'href="{link}">Explain this gap' in progress

    form = client.get(reverse("qualifications:cpd_gap_explain"), GAP).content.decode()
    assert "No CPD from <strong>21 Apr 2026</strong> to <strong>2 Sep 2026</strong>" in form
    response = client.post(
        reverse("qualifications:cpd_gap_explain"), {**GAP, "text": "Parental leave."}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("qualifications:cpd_progress") + "?year=")
    progress = client.get(response["Location"]).content.decode()
    assert "Parental leave." in progress
    assert "Edit the explanation" in progress
    event = AuditEvent.objects.get(action="cpd_gap_explanation.create")
    assert event.after == {"start": "2026-04-21", "end": "2026-09-02", "explanation": "written"}
    assert "Parental leave" not in str(event.after)  # the reason may be personal

    client.post(reverse("qualifications:cpd_gap_explain"), {**GAP, "text": "Maternity leave."})
    assert CPDGapExplanation.objects.get().text == "Maternity leave."
    assert AuditEvent.objects.get(action="cpd_gap_explanation.update").after == {
        **GAP,
        "explanation": "changed",
    }
    form = client.get(reverse("qualifications:cpd_gap_explain"), GAP).content.decode()
    assert "Maternity leave.</textarea>" in form

    client.post(reverse("qualifications:cpd_gap_explain"), {**GAP, "text": ""})
    assert not CPDGapExplanation.objects.exists()
    assert AuditEvent.objects.filter(action="cpd_gap_explanation.delete").exists()


def test_an_explanation_follows_a_gap_that_is_still_growing(client_for, trainer_user):
    profile = trainer_user.trainer_profile
    factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 7, 1))
    client = client_for(trainer_user)
    client.post(
        reverse("qualifications:cpd_gap_explain"),
        {"start": "2026-07-02", "end": "2026-11-27", "text": "Off sick."},
    )
    with time_machine.travel(TODAY + dt.timedelta(days=10), tick=False):
        html = client.get(reverse("qualifications:cpd_progress")).content.decode()
    assert "to <strong>7 Dec 2026</strong> — still going on" in html
    assert "Off sick." in html


def test_only_a_real_gap_can_be_explained(client_for, trainer_user, gappy):
    client = client_for(trainer_user)
    response = client.post(
        reverse("qualifications:cpd_gap_explain"),
        {"start": "2026-04-21", "end": "2026-05-02", "text": "Busy."},
    )
    assert response.status_code == 200
    assert "Only gaps of 3 months or more need an explanation" in response.content.decode()
    response = client.post(
        reverse("qualifications:cpd_gap_explain"),
        {"start": "2026-04-01", "end": "2026-09-02", "text": "Busy."},
    )
    assert "this is no longer a gap" in response.content.decode()
    assert not CPDGapExplanation.objects.exists()
    assert client.get(reverse("qualifications:cpd_gap_explain")).status_code == 404


@pytest.mark.parametrize(
    "start,end",
    [("0001-01-01", "0001-12-31"), ("9999-01-01", "9999-12-31"), ("2026-01-01", "9999-12-31")],
)
def test_a_gap_outside_the_supported_dates_is_no_gap(client_for, trainer_user, start, end):
    client = client_for(trainer_user)
    url = reverse("qualifications:cpd_gap_explain")

    assert client.get(url, {"start": start, "end": end}).status_code == 404
    assert client.post(url, {"start": start, "end": end, "text": "x"}).status_code == 404


def test_gap_explanations_go_into_the_portfolio_pdf_and_csv(trainer_user, gappy):
    CPDGapExplanation.objects.create(
        trainer=gappy, start=dt.date(2026, 4, 21), end=dt.date(2026, 9, 2), text="Parental leave."
    )
    portfolio = build_portfolio(
        profile=gappy, start=dt.date(2026, 4, 1), end=dt.date(2026, 11, 27), reflection_ids=set()
    )
    (gap,) = portfolio.gaps
    assert gap.text == "Parental leave."
    rows = list(
        csv.DictReader(io.StringIO(render_portfolio_csv(portfolio).content.decode("utf-8-sig")))
    )
    (gap_row,) = [r for r in rows if r["record"] == "gap"]
    assert (gap_row["date"], gap_row["end_date"], gap_row["explanation"]) == (
        "2026-04-21",
        "2026-09-02",
        "Parental leave.",
    )
    from django.template.loader import render_to_string

    html = render_to_string("pdf/cpd_portfolio.html", {"p": portfolio})
    assert "Parental leave." in html
