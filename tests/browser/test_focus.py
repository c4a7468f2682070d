"""Keyboard focus is plainly visible on every control of the CPD and verification forms.

Tab goes through each page from the top, as a keyboard user would, at 1280 and 375 px; at
every stop the focus indicator is measured from pixels against the page with nothing focused
(tests/browser/focus.py): at least 3:1, over at least a 2 px ring's area. The forms are tried
as they open and after a failed submit, when fields carry their red error border.

For a human to look at, each page's focused controls are put side by side in
screenshots/focus-<viewport>-<page>.png (git-ignored).
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser.focus import Stop, contact_sheet, tab_through
from tests.browser.helpers import force_login, with_totp

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


@pytest.fixture
def demo(transactional_db):
    from rehabpath.models import User

    call_command("seed_demo", force=True, stdout=io.StringIO())
    return {
        "trainer": User.objects.get(email="trainer@example.com"),
        "staff": with_totp(User.objects.get(email="staff@example.com")),
    }


def pending_review_url() -> str:
    from qualifications.models import TrainerQualification

    pending = TrainerQualification.objects.get(status="pending")
    return f"/trainers/verification/qualification/{pending.public_id}/"


def shoot(page, stops: list[Stop], name: str) -> None:
    contact_sheet(stops, SCREENSHOTS / f"focus-{page.viewport_name}-{name}.png")


def assert_every_stop_visible(stops: list[Stop], what: str) -> None:
    assert stops, f"{what}: Tab reached nothing"
    faint = [str(stop) for stop in stops if not stop.visible]
    assert faint == [], f"{what}: focus indicators under 3:1 or too small:\n" + "\n".join(faint)


def test_every_stop_of_the_cpd_form_shows_focus_plainly(page, demo):
    force_login(page, demo["trainer"])
    page.goto("/qualifications/cpd/add/")
    stops = tab_through(page)
    labels = [stop.label for stop in stops]
    # The stops the issue names: checkboxes, the date field and its calendar button.
    assert any('input[checkbox] "Endorsed CPD' in label for label in labels)
    assert sum('input[checkbox] "' in label for label in labels) >= 6  # + condition areas
    date_stops = [stop for stop in stops if stop.label.startswith('input[date] "Date')]
    assert len(date_stops) == 4  # day, month, year and the calendar button
    assert not date_stops[-1].focus_visible  # the calendar button: :focus-within carries it
    assert_every_stop_visible(stops, "CPD form")
    shoot(page, stops, "cpd-form")

    # Sent empty, every required field turns red; focus must still stand out on them.
    with page.expect_navigation():  # wait for the next page, not this one
        page.get_by_role("button", name="Save activity").click()
    assert page.get_by_role("alert").is_visible()
    stops = tab_through(page)
    assert any(stop.label.startswith('textarea[textarea] "What I did') for stop in stops)
    assert_every_stop_visible(stops, "CPD form with errors")
    shoot(page, stops, "cpd-form-errors")
    assert page.console_errors == []


def test_every_stop_of_the_verification_form_shows_focus_plainly(page, demo):
    force_login(page, demo["staff"])
    page.goto(pending_review_url())
    stops = tab_through(page)
    assert sum('input[radio] "' in stop.label for stop in stops) >= 1
    assert_every_stop_visible(stops, "verification form")
    shoot(page, stops, "verification-form")

    with page.expect_navigation():
        page.get_by_role("region", name="Verify").get_by_role("button", name="Verify").click()
    assert page.get_by_role("alert").is_visible()
    stops = tab_through(page)
    assert_every_stop_visible(stops, "verification form with errors")
    shoot(page, stops, "verification-form-errors")
    assert page.console_errors == []


def test_cpd_tabs_show_their_whole_focus_ring(page, demo):
    """The Log / Progress / Portfolio / CPD year tabs: a ring the scrolling box used to clip."""
    force_login(page, demo["trainer"])
    for url in ("/qualifications/cpd/", "/qualifications/cpd/export/"):  # first, third current
        page.goto(url)
        stops = tab_through(page, within="nav.subnav")
        assert [stop.label for stop in stops] == [
            'a "Log"',
            'a "Progress"',
            'a "Portfolio"',
            'a "CPD year"',
        ]
        assert_every_stop_visible(stops, f"CPD tabs on {url}")
    # All four tabs are on screen at 375 px, none hidden in a sideways scroll.
    assert page.evaluate(
        """[...document.querySelectorAll('nav.subnav a')].every((a) => {
             const r = a.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; })"""
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/trainers/records/",
        "/qualifications/cpd/progress/",
        "/qualifications/cpd/export/",  # the portfolio's reflection checkboxes
        "/accounts/email/",  # the account pages' side navigation
    ],
)
def test_every_stop_of_the_trainers_other_pages_shows_focus_plainly(page, demo, url):
    force_login(page, demo["trainer"])
    page.goto(url)
    stops = tab_through(page)
    assert_every_stop_visible(stops, url)


def test_remember_me_on_the_sign_in_page_shows_focus_plainly(page, transactional_db):
    page.goto("/accounts/login/")
    stops = tab_through(page)
    assert any(stop.label == 'input[checkbox] "Remember me"' for stop in stops)
    assert_every_stop_visible(stops, "sign-in page")
