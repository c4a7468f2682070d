"""The CPD portfolio: a PDF (WeasyPrint) and a CSV for a chosen period, each export audited."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from rehabpath.models import AuditEvent
from tests import factories
from tests.trainers.uploads import pdf_bytes
from trainers.evidence import evidence_attach, validate_upload

URL = "qualifications:cpd_export"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def log(trainer_user):
    """Three activities in the CPD year from 1 April 2026, one before it, one elsewhere."""
    profile = trainer_user.trainer_profile
    stroke = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    gait = factories.CPDActivityFactory(
        trainer=profile,
        date=dt.date(2026, 4, 20),
        title="Gait retraining after stroke",
        hours=Decimal("3"),
        endorsed=True,
        what_i_learnt="Progressing treadmill walking with body-weight support.",
    )
    gait.condition_areas.add(stroke)
    upload = SimpleUploadedFile("Gait certificate.pdf", pdf_bytes(), "application/pdf")
    (evidence,) = evidence_attach(
        record=gait, trainer=profile, files=[validate_upload(upload)], uploaded_by=trainer_user
    )
    webinar = factories.CPDActivityFactory(
        trainer=profile,
        date=dt.date(2026, 9, 3),
        title='=HYPERLINK("http://evil.example")',
        activity_type="webinar",
        hours=Decimal("1.5"),
        endorsed=False,
        what_i_learnt="A reflection that was not chosen.",
    )
    reading = factories.CPDActivityFactory(
        trainer=profile,
        date=dt.date(2026, 10, 1),
        title="Reading on spasticity",
        activity_type="reading",
        hours=Decimal("1"),
        endorsed=False,
    )
    old = factories.CPDActivityFactory(
        trainer=profile, date=dt.date(2026, 3, 1), title="Before the period"
    )
    factories.CPDActivityFactory(title="Another trainer's course", date=dt.date(2026, 5, 1))
    return {"gait": gait, "webinar": webinar, "reading": reading, "old": old, "file": evidence}


def _post(client, log, output, **extra):
    data = {
        "start": "01/04/2026",
        "end": "27/11/2026",
        "practice_summary": "I work with adults after stroke in Bristol leisure centres.",
        "reflections": [str(log["gait"].public_id), str(log["reading"].public_id)],
        "output": output,
    }
    data.update(extra)
    return client.post(reverse(URL), data)


def test_export_page_defaults_to_the_current_cpd_year_with_every_reflection_ticked(
    client_for, trainer_user, log
):
    response = client_for(trainer_user).get(reverse(URL))
    html = response.content.decode()
    assert response.context["start"] == dt.date(2026, 4, 1)
    assert response.context["end"] == dt.date(2026, 11, 27)
    assert "3 activities" in html
    assert "Before the period" not in html
    assert "Another trainer" not in html
    assert html.count('name="reflections"') == 3
    assert html.count("checked") >= 3


def test_portfolio_pdf_reads_as_an_audit_portfolio(client_for, trainer_user, log):
    response = _post(client_for(trainer_user), log, "pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="cpd-portfolio-20260401-20261127.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())

    assert trainer_user.name in flat
    assert "Period: 1 Apr 2026 to 27 Nov 2026" in flat
    assert "I work with adults after stroke in Bristol leisure centres." in flat
    # The dated list with hours and points, and the totals.
    assert "20 Apr 2026" in flat and "Gait retraining after stroke" in flat
    assert "Reading on spasticity" in flat
    assert "Before the period" not in flat and "Another trainer" not in flat
    assert "5.5 hours (3 endorsed)" in flat
    assert "4.25 points (3 endorsed)" in flat
    # Only the chosen reflections.
    assert "Progressing treadmill walking with body-weight support." in flat
    assert "A reflection that was not chosen." not in flat
    # Evidence: name, type and the start of the checksum.
    assert "Gait certificate.pdf" in flat
    assert log["file"].sha256[:12] in flat
    # The gap from the start of the year: none (first CPD on 20 April); the run from
    # 2 October to today is under 3 months; from 21 April to 2 September is a gap.
    assert "21 Apr 2026 to 2 Sep 2026 · 135 days without CPD" in flat
    assert "Explanation:" in flat

    event = AuditEvent.objects.get(action="cpd_portfolio.export")
    assert event.actor == trainer_user
    assert event.after == {
        "format": "pdf",
        "from": "2026-04-01",
        "to": "2026-11-27",
        "activities": 3,
        "reflections": 2,
    }
    trainer_user.trainer_profile.refresh_from_db()
    assert trainer_user.trainer_profile.practice_summary.startswith("I work with adults")
    assert AuditEvent.objects.filter(action="practice_summary.update").count() == 1


def test_portfolio_csv_has_one_row_per_activity(client_for, trainer_user, log):
    response = _post(client_for(trainer_user), log, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(
        'filename="cpd-portfolio-20260401-20261127.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["date"] for r in rows] == ["2026-04-20", "2026-09-03", "2026-10-01"]
    gait, webinar, reading = rows
    assert gait["title"] == "Gait retraining after stroke"
    assert (gait["hours"], gait["endorsed"], gait["points"]) == ("3", "yes", "3")
    assert gait["condition_areas"] == "Stroke"
    assert gait["what_i_learnt"] == "Progressing treadmill walking with body-weight support."
    assert gait["evidence_files"] == "Gait certificate.pdf"
    assert gait["evidence_sha256"] == log["file"].sha256
    assert (webinar["hours"], webinar["endorsed"], webinar["points"]) == ("1.5", "no", "0.75")
    assert webinar["what_i_learnt"] == ""  # not chosen
    # A title that a spreadsheet would run as a formula is written as text.
    assert webinar["title"] == '\'=HYPERLINK("http://evil.example")'
    assert reading["type"] == "Reading"
    assert AuditEvent.objects.get(action="cpd_portfolio.export").after["format"] == "csv"


def test_a_period_that_ends_before_it_starts_is_explained(client_for, trainer_user, log):
    response = client_for(trainer_user).get(
        reverse(URL), {"start": "2026-11-01", "end": "2026-10-01"}
    )
    assert response.status_code == 200
    assert (
        "The period must start on or before it ends (1 Nov 2026 is after 1 Oct 2026)."
        in response.content.decode()
    )
    assert response.context["form"] is None
    response = _post(client_for(trainer_user), log, "pdf", start="01/11/2026", end="01/10/2026")
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="cpd_portfolio.export").exists()


def test_a_chosen_period_narrows_the_portfolio(client_for, trainer_user, log):
    response = client_for(trainer_user).get(
        reverse(URL), {"start": "2026-09-01", "end": "2026-09-30"}
    )
    assert [a.title for a in response.context["activities"]] == [log["webinar"].title]
    response = _post(
        client_for(trainer_user),
        log,
        "csv",
        start="01/09/2026",
        end="30/09/2026",
        reflections=[str(log["webinar"].public_id)],
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["date"] for r in rows] == ["2026-09-03"]


def test_reflections_of_someone_elses_activity_cannot_be_smuggled_in(client_for, trainer_user, log):
    stranger = factories.CPDActivityFactory(date=dt.date(2026, 6, 1))
    response = _post(client_for(trainer_user), log, "pdf", reflections=[str(stranger.public_id)])
    assert response.status_code == 200
    assert "reflections" in response.context["form"].errors
    assert not AuditEvent.objects.filter(action="cpd_portfolio.export").exists()


def test_saving_only_the_summary_exports_nothing(client_for, trainer_user, log):
    client = client_for(trainer_user)
    response = _post(client, log, "save", practice_summary="New summary.")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(URL) + "?start=2026-04-01&end=2026-11-27")
    trainer_user.trainer_profile.refresh_from_db()
    assert trainer_user.trainer_profile.practice_summary == "New summary."
    assert not AuditEvent.objects.filter(action="cpd_portfolio.export").exists()


def test_a_pdf_that_cannot_be_made_leaves_the_summary_and_says_so(
    client_for, trainer_user, log, monkeypatch
):
    profile = trainer_user.trainer_profile
    profile.practice_summary = "The old summary."
    profile.save()

    def broken(portfolio):
        raise OSError("fontconfig went away")

    monkeypatch.setattr("qualifications.views.cpd.render_portfolio_pdf", broken)
    response = _post(client_for(trainer_user), log, "pdf", practice_summary="A new summary.")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Your portfolio could not be made just now, so nothing was downloaded or saved. "
        "Try again in a minute. If the PDF fails again, download the CSV instead."
    ]
    assert "A new summary." in response.content.decode()  # what was typed is kept
    profile.refresh_from_db()
    assert profile.practice_summary == "The old summary."
    assert not AuditEvent.objects.filter(
        action__in=["practice_summary.update", "cpd_portfolio.export"]
    ).exists()


def test_an_export_saves_a_changed_summary_with_its_audit_event(client_for, trainer_user, log):
    client = client_for(trainer_user)
    _post(client, log, "csv", practice_summary="  A new summary.  ")
    profile = trainer_user.trainer_profile
    profile.refresh_from_db()
    assert profile.practice_summary == "A new summary."
    assert AuditEvent.objects.filter(action="practice_summary.update").count() == 1
    assert AuditEvent.objects.filter(action="cpd_portfolio.export").count() == 1

    _post(client, log, "csv", practice_summary="A new summary.")  # unchanged: no second event
    assert AuditEvent.objects.filter(action="practice_summary.update").count() == 1
    assert AuditEvent.objects.filter(action="cpd_portfolio.export").count() == 2


def test_an_empty_period_still_gives_a_readable_pdf(client_for, trainer_user):
    response = client_for(trainer_user).post(
        reverse(URL), {"start": "01/01/2020", "end": "31/12/2020", "output": "pdf"}
    )
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "No CPD activities were logged in this period." in text
    assert "No practice summary written." in text
