"""Supervision meetings in a real browser, at 1280 and 375 px: the demo trainer records a
meeting (meeting the identifier warning on the way), the demo mentor disputes it, the trainer
corrects it and the mentor confirms it. Screenshots go to screenshots/meetings-*.png."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.helpers import force_login, with_totp

SHOTS = Path(settings.BASE_DIR) / "screenshots"
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, stdout=io.StringIO())


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"meetings-{name}-{width}.png"), full_page=True)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways at {width} px"


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _as(page, email: str) -> None:
    from rehabpath.models import User

    page.context.clear_cookies()
    user = User.objects.get(email=email)
    force_login(page, user if email.startswith("trainer") else with_totp(user))


def test_a_meeting_goes_from_record_to_dispute_to_confirmation(page, demo):
    _as(page, "trainer@example.com")
    page.goto("/")
    page.get_by_role("link", name=re.compile(r"supervision meetings? wait")).click()
    expect(page.get_by_role("heading", name="Waiting for you")).to_be_visible()
    _shot(page, "list-trainer")

    page.get_by_role("link", name="Record a meeting").first.click()
    page.get_by_label("Case discussion").check()
    page.get_by_label("Video call").check()
    page.get_by_label("Topics discussed").fill("Client Sarah: pacing after her stroke.")
    _submit(page, "Record the meeting")
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(
        page.get_by_label("I have checked: this text does not identify a client")
    ).to_be_visible()
    _shot(page, "form-warning")

    page.get_by_label("Topics discussed").fill("Client S-30: pacing after a stroke.")
    _submit(page, "Record the meeting")
    expect(page.get_by_text("Meeting recorded")).to_be_visible()
    meeting_url = page.url
    _shot(page, "detail-recorder")

    _as(page, "mentor@example.com")
    page.goto(meeting_url)
    expect(page.get_by_role("button", name="Confirm the meeting")).to_be_visible()
    _shot(page, "detail-to-confirm")
    page.get_by_text("Something is wrong: dispute it").click()
    _submit(page, "Dispute the record")
    expect(
        page.get_by_role("alert").first
    ).to_be_visible()  # no reason given: nothing lost, explained
    _shot(page, "dispute-error")
    page.get_by_label("What is wrong with this record").fill("We met in person.")
    _submit(page, "Dispute the record")
    expect(page.get_by_text("Meeting disputed")).to_be_visible()

    _as(page, "trainer@example.com")
    page.goto(meeting_url)
    _shot(page, "detail-disputed")
    page.get_by_role("link", name="Correct the record").first.click()
    page.get_by_label("In person").check()
    _shot(page, "form-correct")
    _submit(page, "Save and send back")
    expect(page.get_by_text("Meeting updated")).to_be_visible()

    _as(page, "mentor@example.com")
    page.goto(meeting_url)
    page.get_by_label("Your notes (optional)").fill("Well paced; next time bring the plan.")
    _submit(page, "Confirm the meeting")
    expect(page.get_by_text("Meeting confirmed")).to_be_visible()
    _shot(page, "detail-confirmed")
    page.goto("/meetings/")
    _shot(page, "list-mentor")
    assert page.console_errors == []
