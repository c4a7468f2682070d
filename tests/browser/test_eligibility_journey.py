"""The clinic admin's question, in a real browser at 1280 and 375 px: after seed_demo, the demo
clinic admin opens the roster from the menu, checks the demo trainer for stroke, reads the
answer and its reasons, and downloads the PDF record. Screenshots go to
screenshots/eligibility-*.png."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import force_login, with_totp
from tests.browser.journey import go

SHOTS = Path(settings.BASE_DIR) / "screenshots"
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, stdout=io.StringIO())


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(SHOTS / f"eligibility-{name}-{page.viewport_name}.png"), full_page=True
    )
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways ({page.viewport_name})"


def _menu(page, label: str) -> None:
    if page.viewport_name == "phone":
        page.get_by_role("button", name="Menu").click()
    go(
        page,
        page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True),
    )


def test_the_demo_clinic_admin_checks_the_demo_trainer_for_stroke_and_keeps_the_pdf(
    page, demo, tmp_path
):
    from rehabpath.models import User

    force_login(page, with_totp(User.objects.get(email="clinic@example.com")))
    page.goto("/")

    _menu(page, "Roster")
    expect(page.get_by_role("heading", level=1)).to_have_text("Roster")
    expect(page.get_by_text("Riverside Neuro Rehab").first).to_be_visible()
    trainers = page.get_by_role("table", name=re.compile("Eligibility of each trainer"))
    for name in ("Tara Trainer", "Priya Shah", "Jamie Okafor", "Alex Reid"):
        expect(trainers.get_by_role("link", name=name)).to_be_visible()
    # Only stroke, what needs attention first: the one not eligible leads.
    page.get_by_label("Condition area", exact=True).select_option(label="Stroke")
    go(page, page.get_by_role("button", name="Show"))
    first = trainers.locator("tbody tr").first
    expect(first).to_contain_text("Alex Reid")
    expect(first).to_contain_text("Not eligible")
    _shot(page, "roster")

    go(page, trainers.get_by_role("link", name="Tara Trainer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check Tara Trainer")
    page.get_by_label("Condition area", exact=True).select_option(label="Stroke")
    _shot(page, "check")
    go(page, page.get_by_role("button", name="Check and record"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Tara Trainer")
    answer = page.get_by_role("article", name="Stroke")
    expect(answer.get_by_text("Supervised only", exact=True)).to_be_visible()
    expect(answer).to_contain_text("only under their current mentor, Morgan Mentor")
    expect(answer.get_by_role("listitem").first).to_be_visible()
    expect(answer).to_contain_text("Works under the supervision of mentor Morgan Mentor")
    expect(answer).to_contain_text("This answer holds until")
    expect(page.get_by_text("Chris Clinic (clinic@example.com)").first).to_be_visible()
    _shot(page, "record")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF record").click()
    assert re.fullmatch(
        r"eligibility-check-tara-trainer-\d{4}-\d\d-\d\d\.pdf", download.value.suggested_filename
    )
    path = tmp_path / "record.pdf"
    download.value.save_as(path)
    content = path.read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Tara Trainer" in text and "Supervised only" in text and "Stroke" in text

    _menu(page, "Checks")
    expect(page.get_by_role("heading", level=1)).to_have_text("Checks")
    expect(page.get_by_role("cell", name="Tara Trainer").first).to_be_visible()
    _shot(page, "checks")
    assert page.console_errors == []
