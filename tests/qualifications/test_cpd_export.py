"""The CPD portfolio: asked for on one page, rendered by the worker, downloaded as a file.

The worker's task runs in-process here (eager, when the request's transaction commits);
tests/browser/test_portfolio.py drives the same page in Chromium.
"""

import contextlib
import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse
from pypdf import PdfReader

from qualifications.models import CPDActivity, PortfolioExport
from qualifications.services.portfolio import portfolio_export_render
from rehabpath.celery import app as celery_app
from rehabpath.models import AuditEvent, Delivery
from tests import factories
from tests.trainers.uploads import pdf_bytes
from trainers.evidence import evidence_attach, validate_upload

URL = "qualifications:cpd_export"


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    """`with eager():` runs the worker's task in-process when the request's transaction
    commits (the test's own transaction never does)."""
    celery_app.conf.task_always_eager = True
    try:
        yield lambda: django_capture_on_commit_callbacks(execute=True)
    finally:
        celery_app.conf.task_always_eager = False


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


def _post(client, log, action, *, eager=None, **extra):
    data = {
        "start": "2026-04-01",
        "end": "2026-11-27",
        "practice_summary": "I work with adults after stroke in Bristol leisure centres.",
        "reflections": [str(log["gait"].public_id), str(log["reading"].public_id)],
        "action": action,
    }
    data.update(extra)
    with eager() if eager else contextlib.nullcontext():
        return client.post(reverse(URL), data)


def _export_and_download(client, log, action, eager, **extra):
    """Ask for a portfolio, let the worker render it, download it. Returns (export, file)."""
    response = _post(client, log, action, eager=eager, **extra)
    assert response.status_code == 302, response.context["form"].errors
    export = PortfolioExport.objects.get()
    assert response["Location"] == reverse(
        "qualifications:cpd_export_status", args=[export.public_id]
    )
    return export, _download(client, export)


def _download(client, export):
    """The downloaded file, as an attachment."""
    response = client.get(reverse("qualifications:cpd_export_download", args=[export.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return response


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _fields(html: str, name: str) -> list[str]:
    return re.findall(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', html)


# --- The page: one form, what is on screen is what is exported ------------------------------


def test_the_period_on_screen_is_the_only_period_the_download_can_send(
    client_for, trainer_user, log
):
    """Issue 6 (1): the dates lived in a GET form, the download in another form carrying
    hidden copies of the dates of the previous screen."""
    html = client_for(trainer_user).get(reverse(URL)).content.decode()
    forms = re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S)
    export_form = next(f for f in forms if 'value="pdf"' in f)
    for name in ("start", "end"):
        assert len(_fields(html, name)) == 1, f"more than one {name} field on the page"
        (field,) = _fields(export_form, name)
        assert 'type="date"' in field
    assert 'value="2026-04-01"' in _fields(export_form, "start")[0]


def test_changed_dates_go_straight_into_the_export(client_for, trainer_user, log, eager):
    client = client_for(trainer_user)
    client.get(reverse(URL))  # the screen first shows the whole CPD year
    export, download = _export_and_download(
        client,
        log,
        "csv",
        eager,
        start="2026-09-01",
        end="2026-09-30",
        reflections=[str(log["webinar"].public_id)],
    )
    assert (export.start, export.end) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert download["Content-Disposition"] == (
        'attachment; filename="cpd-portfolio-20260901-20260930.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    period = rows[0]
    assert (period["record"], period["date"], period["end_date"]) == (
        "period",
        "2026-09-01",
        "2026-09-30",
    )
    assert [r["date"] for r in rows if r["record"] == "activity"] == ["2026-09-03"]


def test_a_reflection_outside_the_changed_period_is_explained_not_dropped(
    client_for, trainer_user, log
):
    response = _post(client_for(trainer_user), log, "pdf", start="2026-09-01", end="2026-09-30")
    assert response.status_code == 200
    assert (
        "“Gait retraining after stroke” (20 Apr 2026) and “Reading on spasticity” "
        "(1 Oct 2026) are outside the period" in response.content.decode()
    )
    assert not PortfolioExport.objects.exists()


def test_export_page_defaults_to_the_current_cpd_year_with_a_short_picker(
    client_for, trainer_user, log
):
    response = client_for(trainer_user).get(reverse(URL))
    html = response.content.decode()
    assert response.context["start"] == dt.date(2026, 4, 1)
    assert response.context["end"] == dt.date(2026, 11, 27)
    assert "3 activities" in html
    assert "Before the period" not in html
    assert "Another trainer" not in html
    assert "choose four to six CPD activities" in html
    assert len(_fields(html, "reflections")) == 3
    assert "checked" not in "".join(_fields(html, "reflections"))


def test_the_picker_keeps_the_chosen_and_pages_through_the_rest(client_for, trainer_user):
    profile = trainer_user.trainer_profile
    for day in range(1, 26):
        factories.CPDActivityFactory(
            trainer=profile, date=dt.date(2026, 6, day), title=f"Workshop {day:02}"
        )
    chosen = CPDActivity.objects.get(title="Workshop 03")
    client = client_for(trainer_user)
    response = client.post(
        reverse(URL),
        {
            "start": "2026-04-01",
            "end": "2026-11-27",
            "reflections": [str(chosen.public_id)],
            "picker_page": "2",
            "action": "show",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert [a.title for a in response.context["chosen"]] == ["Workshop 03"]
    page = response.context["candidates"]
    assert page.number == 2 and page.paginator.count == 24
    assert f'value="{chosen.public_id}" id="chosen-{chosen.public_id}" checked' in html
    assert "Page 2 of 3" in html
    assert not PortfolioExport.objects.exists()

    response = client.post(
        reverse(URL),
        {"start": "2026-04-01", "end": "2026-11-27", "search": "workshop 2", "action": "show"},
    )
    assert [a.title for a in response.context["candidates"]] == [
        f"Workshop {n}" for n in (25, 24, 23, 22, 21, 20)
    ]


def test_at_most_six_reflections_go_in(client_for, trainer_user):
    profile = trainer_user.trainer_profile
    ids = [
        str(factories.CPDActivityFactory(trainer=profile, date=dt.date(2026, 6, d)).public_id)
        for d in range(1, 8)
    ]
    response = client_for(trainer_user).post(
        reverse(URL),
        {"start": "2026-04-01", "end": "2026-11-27", "reflections": ids, "action": "pdf"},
    )
    assert response.status_code == 200
    assert "Choose at most 6 reflections (you chose 7)" in response.content.decode()
    assert not PortfolioExport.objects.exists()


def test_a_year_of_1200_activities_exports_within_the_field_limit(
    client_for, trainer_user, settings, eager
):
    """Issue 6 (3): one pre-ticked checkbox per activity passed DATA_UPLOAD_MAX_NUMBER_FIELDS
    (1,000) and the export answered 400."""
    profile = trainer_user.trainer_profile
    CPDActivity.objects.bulk_create(
        factories.CPDActivityFactory.build(
            trainer=profile, date=dt.date(2026, 4, 1) + dt.timedelta(days=i % 240)
        )
        for i in range(1200)
    )
    client = client_for(trainer_user)
    html = client.get(reverse(URL)).content.decode()
    names = re.findall(r'name="([^"]+)"', html)
    assert len(names) < 50
    chosen = list(CPDActivity.objects.filter(trainer=profile)[:6])
    data = {
        "start": "2026-04-01",
        "end": "2026-11-27",
        "practice_summary": "",
        "reflections": [str(a.public_id) for a in chosen],
        "action": "csv",
    }
    with eager():
        response = client.post(reverse(URL), data)
    assert response.status_code == 302
    export = PortfolioExport.objects.get()
    assert export.status == PortfolioExport.Status.READY
    assert export.activity_count == 1200
    download = _download(client, export)
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert sum(r["record"] == "activity" for r in rows) == 1200
    assert sum(bool(r["what_i_learnt"]) for r in rows) == 6


def test_export_page_runs_a_fixed_number_of_queries(
    client_for, trainer_user, django_assert_num_queries, settings
):
    settings.USERSESSIONS_TRACK_ACTIVITY = False  # its occasional UPDATE is not this page's
    client = client_for(trainer_user)
    profile = trainer_user.trainer_profile
    client.get(reverse(URL))  # session, user and profile caches warm
    for size in (3, 40):
        CPDActivity.objects.bulk_create(
            factories.CPDActivityFactory.build(trainer=profile, date=dt.date(2026, 5, 1))
            for _ in range(size)
        )
        PortfolioExport.objects.create(
            trainer=profile, start=dt.date(2026, 4, 1), end=dt.date(2026, 5, 1), format="pdf"
        )
        # The user (with roles and profile: rehabpath.auth), then the page's own.
        with django_assert_num_queries(5):
            assert client.get(reverse(URL)).status_code == 200


# --- Rendering in the worker ----------------------------------------------------------------


def test_portfolio_pdf_reads_as_an_audit_portfolio(client_for, trainer_user, log, eager):
    export, response = _export_and_download(client_for(trainer_user), log, "pdf", eager)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="cpd-portfolio-20260401-20261127.pdf"'
    )
    flat = _pdf_text(response.content)

    assert trainer_user.name in flat
    assert "Period: 1 Apr 2026 to 27 Nov 2026" in flat
    assert "I work with adults after stroke in Bristol leisure centres." in flat
    # The dated list with hours and points, and the totals.
    assert "20 Apr 2026" in flat and "Gait retraining after stroke" in flat
    assert "Reading on spasticity" in flat
    assert "Before the period" not in flat and "Another trainer" not in flat
    assert "5.5 hours (3 endorsed)" in flat
    assert "4.25 points (3 endorsed)" in flat
    # Only the chosen reflections, with their evidence.
    assert "Reflections on 2 chosen activities" in flat
    assert "Progressing treadmill walking with body-weight support." in flat
    assert "A reflection that was not chosen." not in flat
    assert "Gait certificate.pdf" in flat
    assert log["file"].sha256[:12] in flat
    # From 21 April to 2 September is a gap, with room for its explanation.
    assert "21 Apr 2026 to 2 Sep 2026 · 135 days without CPD" in flat
    assert "Explanation (none given in RehabPath yet):" in flat

    assert export.status == PortfolioExport.Status.READY
    assert (export.activity_count, export.reflection_count, export.gap_count) == (3, 2, 1)
    assert export.pages == len(PdfReader(io.BytesIO(response.content)).pages)
    asked = AuditEvent.objects.get(action="cpd.export")
    assert asked.actor == trainer_user
    assert asked.target_id == str(export.public_id)
    assert asked.after == {
        "format": "pdf",
        "from": "2026-04-01",
        "to": "2026-11-27",
        "activities": 3,
        "reflections": 2,
    }
    ready = AuditEvent.objects.get(action="cpd.export.ready")
    assert ready.actor is None and ready.actor_label == "system: portfolio export"
    assert ready.after["pages"] == export.pages
    assert AuditEvent.objects.filter(action="cpd.export.download", actor=trainer_user).exists()
    trainer_user.trainer_profile.refresh_from_db()
    assert trainer_user.trainer_profile.practice_summary.startswith("I work with adults")
    assert AuditEvent.objects.filter(action="practice_summary.update").count() == 1


def test_portfolio_csv_has_one_row_per_activity(client_for, trainer_user, log, eager):
    export, response = _export_and_download(client_for(trainer_user), log, "csv", eager)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(
        'filename="cpd-portfolio-20260401-20261127.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["record"] for r in rows] == ["period", "activity", "activity", "activity", "gap"]
    period, gait, webinar, reading, gap = rows
    assert period["title"] == f"CPD portfolio of {trainer_user.name}"
    assert [r["date"] for r in (gait, webinar, reading)] == [
        "2026-04-20",
        "2026-09-03",
        "2026-10-01",
    ]
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
    assert (gap["date"], gap["end_date"], gap["explanation"]) == ("2026-04-21", "2026-09-02", "")
    assert AuditEvent.objects.get(action="cpd.export").after["format"] == "csv"


def test_a_lean_pdf_for_a_busy_year_has_no_near_empty_pages(client_for, trainer_user, eager):
    profile = trainer_user.trainer_profile
    CPDActivity.objects.bulk_create(
        factories.CPDActivityFactory.build(
            trainer=profile,
            date=dt.date(2026, 4, 1) + dt.timedelta(days=i % 230),
            what_i_did="A long reflection. " * 60,
        )
        for i in range(200)
    )
    chosen = CPDActivity.objects.filter(trainer=profile)[:6]
    client = client_for(trainer_user)
    with eager():
        response = client.post(
            reverse(URL),
            {
                "start": "2026-04-01",
                "end": "2026-11-27",
                "reflections": [str(a.public_id) for a in chosen],
                "action": "pdf",
            },
        )
    export = PortfolioExport.objects.get()
    assert response.status_code == 302 and export.status == PortfolioExport.Status.READY
    with export.file.open("rb") as handle:
        content = handle.read()
    pages = PdfReader(io.BytesIO(content)).pages
    # 200 rows of the dated list and 6 full reflections: about 15 pages, not one a reflection.
    assert len(pages) <= 16
    for number, page in enumerate(pages[:-1], start=1):
        assert len(page.extract_text()) > 800, f"page {number} of {len(pages)} is nearly empty"


def test_an_empty_period_still_gives_a_readable_pdf(client_for, trainer_user, eager):
    client = client_for(trainer_user)
    with eager():
        client.post(reverse(URL), {"start": "2020-01-01", "end": "2020-12-31", "action": "pdf"})
    export = PortfolioExport.objects.get()
    with export.file.open("rb") as handle:
        text = _pdf_text(handle.read())
    assert "No CPD activities were logged in this period." in text
    assert "No practice summary written." in text


def test_a_pdf_that_cannot_be_made_fails_visibly_and_the_trainer_is_told(
    client_for, trainer_user, log, eager, monkeypatch
):
    # The project's renderer runs for real (template, layout); WeasyPrint, the library at its
    # boundary, fails as it does when fontconfig goes away mid-render.
    from weasyprint.document import Document

    def broken(self, *args, **kwargs):
        raise ValueError("fontconfig went away")

    monkeypatch.setattr(Document, "write_pdf", broken)
    client = client_for(trainer_user)
    _post(client, log, "pdf", eager=eager)
    export = PortfolioExport.objects.get()
    assert export.status == PortfolioExport.Status.FAILED
    assert not export.file
    page = client.get(reverse("qualifications:cpd_export_status", args=[export.public_id]))
    html = page.content.decode()
    assert "Your portfolio could not be made." in html
    assert "Ask again for this period" in html
    assert "?start=2026-04-01&amp;end=2026-11-27" in html
    assert AuditEvent.objects.get(action="cpd.export.failed").after["error"] == (
        "ValueError: fontconfig went away"
    )
    mail = Delivery.objects.get(template="portfolio_export")
    assert (mail.recipient, mail.milestone) == (trainer_user, "failed")
    download = client.get(reverse("qualifications:cpd_export_download", args=[export.public_id]))
    assert download.status_code == 302


def test_a_transient_failure_is_retried(client_for, trainer_user, log, eager):
    # The real renderer, against a database that drops the connection once: the first read of
    # the activities after the worker claims the export fails as a lost connection does.
    state = {"claimed": False, "failures": 0}

    def drop_once(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "portfolioexport" in sql and "attempts" in sql:
            state["claimed"] = True
        elif state["claimed"] and not state["failures"] and "cpdactivity" in sql:
            state["failures"] += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_once):
        _post(client_for(trainer_user), log, "csv", eager=eager)
    assert state["failures"] == 1
    export = PortfolioExport.objects.get()
    assert export.status == PortfolioExport.Status.READY
    assert export.attempts == 2
    assert Delivery.objects.filter(template="portfolio_export", milestone="ready").count() == 1


def test_a_second_delivery_of_the_task_renders_nothing_twice(client_for, trainer_user, log, eager):
    _post(client_for(trainer_user), log, "csv", eager=eager)
    export = PortfolioExport.objects.get()
    assert portfolio_export_render(export_id=export.pk) is None
    export.refresh_from_db()
    assert export.attempts == 1
    assert AuditEvent.objects.filter(action="cpd.export.ready").count() == 1


def test_the_ready_mail_links_the_export_page(client_for, trainer_user, log, eager, mailoutbox):
    _post(client_for(trainer_user), log, "pdf", eager=eager)
    export = PortfolioExport.objects.get()
    (message,) = mailoutbox
    assert message.subject == "[RehabPath] Your CPD portfolio is ready"
    path = reverse("qualifications:cpd_export_status", args=[export.public_id])
    assert path in message.body
    assert "PDF, 1 Apr 2026 to 27 Nov 2026" in message.body


# --- The export page and its download -------------------------------------------------------


def test_the_export_page_says_preparing_and_checks_again_until_ready(client_for, trainer_user, log):
    client = client_for(trainer_user)
    _post(client, log, "pdf")  # no worker yet: the test's transaction never commits
    export = PortfolioExport.objects.get()
    url = reverse("qualifications:cpd_export_status", args=[export.public_id])
    html = client.get(url).content.decode()
    assert "Preparing your portfolio…" in html
    assert "We'll tell you when it is ready" in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 3s"' in html
    assert f'<a href="{url}">Check again</a>' in html  # without JavaScript
    assert "Period: <strong>1 Apr 2026 to 27 Nov 2026</strong>" in html

    download = client.get(reverse("qualifications:cpd_export_download", args=[export.public_id]))
    assert download.status_code == 302 and download["Location"] == url

    portfolio_export_render(export_id=export.pk)
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "hx-trigger" not in fragment
    assert reverse("qualifications:cpd_export_download", args=[export.public_id]) in fragment
    assert "Download the PDF" in fragment


def test_only_the_owner_and_staff_download_a_portfolio(
    client_for, trainer_user, other_trainer_user, staff_user, log, eager
):
    client = client_for(trainer_user)
    _post(client, log, "csv", eager=eager)
    export = PortfolioExport.objects.get()
    url = reverse("qualifications:cpd_export_download", args=[export.public_id])
    assert client_for(other_trainer_user).get(url).status_code == 404
    staff = _download(client_for(staff_user), export)
    assert staff["Content-Disposition"].startswith("attachment;")
    assert staff["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="cpd.export.download", actor=staff_user).exists()


def test_saving_only_the_summary_exports_nothing(client_for, trainer_user, log):
    client = client_for(trainer_user)
    response = _post(client, log, "save", practice_summary="New summary.")
    assert response.status_code == 302
    assert response["Location"] == reverse(URL) + "?start=2026-04-01&end=2026-11-27"
    trainer_user.trainer_profile.refresh_from_db()
    assert trainer_user.trainer_profile.practice_summary == "New summary."
    assert not PortfolioExport.objects.exists()
    assert not AuditEvent.objects.filter(action="cpd.export").exists()


def test_a_period_that_ends_before_it_starts_is_explained(client_for, trainer_user, log):
    response = _post(client_for(trainer_user), log, "pdf", start="2026-11-01", end="2026-10-01")
    assert response.status_code == 200
    assert (
        "The period must start on or before it ends (1 Nov 2026 is after 1 Oct 2026)."
        in response.content.decode()
    )
    assert not PortfolioExport.objects.exists()


@pytest.mark.parametrize(
    "start,end,field,message",
    [
        ("0001-01-01", "0001-12-31", "start", "The first day of the period is before 1950"),
        ("1949-06-01", "1950-05-31", "start", "The first day of the period is before 1950"),
        ("9999-01-01", "9999-12-31", "start", "The period cannot start in the future."),
    ],
)
def test_a_period_outside_the_supported_dates_is_explained(
    client_for, trainer_user, log, eager, start, end, field, message
):
    client = client_for(trainer_user)

    response = _post(client, log, "pdf", eager=eager, start=start, end=end, reflections=[])

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not PortfolioExport.objects.exists()
    assert client.get(reverse(URL), {"start": start, "end": end}).status_code == 200


def test_the_service_refuses_a_period_before_1950(trainer_user):
    from qualifications.services.portfolio import portfolio_export_request
    from rehabpath.audit import Actor
    from rehabpath.errors import DomainError

    with pytest.raises(DomainError, match="before 1950"):
        portfolio_export_request(
            actor=Actor.for_user(trainer_user),
            profile=trainer_user.trainer_profile,
            start=dt.date(1, 1, 1),
            end=dt.date(1, 12, 31),
            fmt="pdf",
            reflections=[],
            practice_summary="",
        )


def test_reflections_of_someone_elses_activity_cannot_be_smuggled_in(client_for, trainer_user, log):
    stranger = factories.CPDActivityFactory(date=dt.date(2026, 6, 1))
    response = _post(client_for(trainer_user), log, "pdf", reflections=[str(stranger.public_id)])
    assert response.status_code == 200
    assert "reflections" in response.context["form"].errors
    assert not PortfolioExport.objects.exists()


def test_an_export_saves_a_changed_summary_with_its_audit_event(
    client_for, trainer_user, log, eager
):
    client = client_for(trainer_user)
    _post(client, log, "csv", eager=eager, practice_summary="  A new summary.  ")
    profile = trainer_user.trainer_profile
    profile.refresh_from_db()
    assert profile.practice_summary == "A new summary."
    assert PortfolioExport.objects.get().practice_summary == "A new summary."
    assert AuditEvent.objects.filter(action="practice_summary.update").count() == 1

    _post(
        client, log, "csv", eager=eager, practice_summary="A new summary."
    )  # unchanged: no second event
    assert AuditEvent.objects.filter(action="practice_summary.update").count() == 1
    assert AuditEvent.objects.filter(action="cpd.export").count() == 2
