"""The CPD portfolio in Chromium: the download holds the dates on screen, and forms show
they are busy.

1. A trainer opens the portfolio page (the whole CPD year), changes From/To in the boxes and
   presses "Download CSV" without pressing anything else: the worker (in-process here) renders
   the file of exactly those dates, the page that said "Preparing" shows the download, and the
   downloaded file states that period.
2. While the server is still answering, the pressed button reads "Working…", every submit
   button of the form is disabled, the form is aria-busy, and a second submission is refused;
   the pressed button's name and value still reach the server.

Screenshots of each CPD page at 1280 and 375 px go to screenshots/portfolio-*.png.
"""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from rehabpath.celery import app as celery_app
from tests import factories
from tests.browser.helpers import force_login

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / f"portfolio-{name}-{page.viewport_name}.png"), full_page=True
    )


@pytest.fixture
def eager_worker():
    """The task runs in the live server's thread when the request commits."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def trainer(transactional_db):
    today = timezone.localdate()
    profile = factories.TrainerProfileFactory(
        user__name="Tara Portfolio", cpd_year_start=today - dt.timedelta(days=200)
    )
    for days_ago, title in ((150, "Long ago workshop"), (20, "Recent webinar")):
        factories.CPDActivityFactory(
            trainer=profile, date=today - dt.timedelta(days=days_ago), title=title
        )
    return profile.user


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_the_download_holds_the_dates_on_screen(page, trainer, eager_worker):
    today = timezone.localdate()
    force_login(page, trainer)
    page.goto("/qualifications/cpd/export/")
    expect(page.locator("#period-count")).to_contain_text("2 activities")

    start = today - dt.timedelta(days=30)
    page.get_by_role("textbox", name="From", exact=True).fill(start.isoformat())
    page.get_by_role("textbox", name="To", exact=True).fill(today.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Download CSV").click()

    expect(page.get_by_role("heading", name="CPD portfolio (CSV)")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text(f"{start.day} {start:%b %Y} to")
    link = page.get_by_role("link", name="Download the CSV")
    expect(link).to_be_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == (f"cpd-portfolio-{start:%Y%m%d}-{today:%Y%m%d}.csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8-sig"))))
    assert (rows[0]["record"], rows[0]["date"], rows[0]["end_date"]) == (
        "period",
        start.isoformat(),
        today.isoformat(),
    )
    assert [r["title"] for r in rows if r["record"] == "activity"] == ["Recent webinar"]
    assert page.console_errors == []


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_a_busy_form_says_working_and_is_sent_once(page, trainer):
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    force_login(page, trainer)
    page.goto("/qualifications/cpd/export/")
    # Stand in for a slow server: a listener added after busy.js's holds the submission on
    # this page (the browser would otherwise leave it at once) and notes what it saw.
    page.evaluate(
        """() => {
            window.seen = [];
            document.addEventListener('submit', (event) => {
                window.seen.push(event.defaultPrevented);
                if (window.holding) event.preventDefault();
            });
            window.holding = true;
        }"""
    )
    page.get_by_role("textbox", name="Your practice summary").fill("Stroke rehab in Leeds.")
    page.get_by_role("button", name="Only save the summary").click()

    form = page.locator("form.cpd-export")
    expect(form).to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("button", name="Working…")).to_be_disabled()
    expect(page.get_by_role("button", name="Download PDF")).to_be_disabled()
    enabled = page.evaluate(
        "[...document.querySelectorAll('form.cpd-export button')].filter((b) => !b.disabled).length"
    )
    assert enabled == 0
    # A second submission (Enter in a field, a script) is refused while the first is on its way.
    page.evaluate("document.querySelector('form.cpd-export').requestSubmit()")
    assert page.evaluate("window.seen") == [False, True]

    # The first submission goes on (the server answers): the pressed button's name and value
    # travel although it is disabled, so the summary is saved, not exported.
    with page.expect_navigation():
        page.evaluate("window.holding = false; document.querySelector('form.cpd-export').submit()")
    assert len(posts) == 1
    expect(page.get_by_text("Your practice summary is saved.")).to_be_visible()
    trainer.trainer_profile.refresh_from_db()
    assert trainer.trainer_profile.practice_summary == "Stroke rehab in Leeds."
    expect(page.get_by_role("button", name="Only save the summary")).to_be_enabled()
    assert page.console_errors == []


def test_the_cpd_pages_at_both_widths(page, trainer):
    """Screenshots for a person to look at; the checks here are only that each page loads."""
    from qualifications.models import CPDActivity, CPDGapExplanation, PortfolioExport

    profile = trainer.trainer_profile
    today = timezone.localdate()
    gap_start = profile.cpd_year_start
    CPDGapExplanation.objects.create(
        trainer=profile,
        start=gap_start,
        end=today - dt.timedelta(days=151),
        text="Recovering from surgery; back to work in the spring.",
    )
    activity = CPDActivity.objects.get(title="Long ago workshop")
    pending = PortfolioExport.objects.create(
        trainer=profile, start=gap_start, end=today, format="pdf"
    )
    force_login(page, trainer)
    no_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
    for name, url in [
        ("log", "/qualifications/cpd/"),
        ("detail", f"/qualifications/cpd/{activity.public_id}/"),
        ("form", "/qualifications/cpd/add/"),
        ("progress", "/qualifications/cpd/progress/"),
        ("export", "/qualifications/cpd/export/"),
        ("status-pending", f"/qualifications/cpd/exports/{pending.public_id}/"),
        ("year", "/qualifications/cpd/year/"),
        (
            "gap",
            f"/qualifications/cpd/gaps/explain/?start={gap_start:%Y-%m-%d}"
            f"&end={today - dt.timedelta(days=151):%Y-%m-%d}",
        ),
    ]:
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state()
        shoot(page, name)
        if name != "progress":  # its figures table is the a11y engineer's (375 px layout)
            assert page.evaluate(no_scroll), f"{url} scrolls sideways at {page.viewport_name}"
    assert page.console_errors == []
