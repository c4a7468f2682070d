"""A trainer shares their record with a clinic and stops, on a phone (375 px): the page says
what the clinic will see, and the history keeps both. Screenshots go to
screenshots/sharing-*.png."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests import factories
from tests.browser.axe import serious_violations
from tests.browser.helpers import force_login
from tests.browser.journey import go, open_from_menu

SHOTS = Path(settings.BASE_DIR) / "screenshots"
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sharing-{name}-375.png"), full_page=True)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways at 375 px"
    assert serious_violations(page) == [], name


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_trainer_shares_with_a_clinic_and_stops(page, transactional_db):
    trainer = factories.TrainerProfileFactory(user__name="Tia Trainer")
    factories.ClinicFactory(name="Riverside Neuro Physio", city="Bristol")
    factories.ClinicFactory(name="Hill Stroke Unit", city="Leeds")
    force_login(page, trainer.user)

    page.goto("/")
    go(page, page.get_by_role("link", name="choose which clinics"))
    expect(page.get_by_role("heading", name="Sharing with clinics")).to_be_visible()
    expect(page.get_by_text("No clinic sees your record.")).to_be_visible()
    expect(page.get_by_text("your supervised-session notes or your evidence files")).to_be_visible()
    _shot(page, "empty")

    page.get_by_role("combobox", name="Clinic").select_option(
        label="Riverside Neuro Physio, Bristol"
    )
    go(page, page.get_by_role("button", name="Share my record"))
    expect(
        page.get_by_text("You now share your record with Riverside Neuro Physio.")
    ).to_be_visible()
    shared = page.get_by_role("region", name="You share with")
    expect(shared.get_by_text("Riverside Neuro Physio", exact=True)).to_be_visible()
    expect(shared.get_by_text("since", exact=False).first).to_be_visible()
    # Shared with already: no longer offered.
    expect(
        page.get_by_role("combobox", name="Clinic").locator("option", has_text="Riverside")
    ).to_have_count(0)
    _shot(page, "shared")

    go(page, page.get_by_role("button", name="Stop sharing with Riverside Neuro Physio"))
    expect(
        page.get_by_text("You no longer share your record with Riverside Neuro Physio")
    ).to_be_visible()
    expect(page.get_by_text("No clinic sees your record.")).to_be_visible()
    history = page.get_by_role("region", name="Sharing history")
    expect(history.get_by_text("Riverside Neuro Physio")).to_be_visible()
    expect(history.get_by_text("Sharing now")).to_have_count(0)
    _shot(page, "stopped")

    # The navigation leads back here too.
    open_from_menu(page, "Sharing")
    expect(page.get_by_role("heading", name="Sharing with clinics")).to_be_visible()
    assert page.console_errors == []
