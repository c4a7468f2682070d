"""The trainer's pathway on a phone, and the staff's rules pages at desktop width."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.helpers import force_login, with_totp
from tests.browser.journey import go, open_from_menu

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _rules():
    """Version 1 of the rules (a transactional test may have flushed the seeded row)."""
    from programme.pathway.selectors import current_rules

    return current_rules()


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_trainer_opens_their_pathway_from_the_menu_and_follows_a_next_step(
    page, transactional_db
):
    from tests import pathway_builders as pb

    _rules()
    today = timezone.localdate()
    trainer = pb.supervised_trainer(today=today)
    force_login(page, trainer.user)
    page.goto("/")

    open_from_menu(page, "Pathway")

    assert page.get_by_role("heading", level=1).inner_text() == "Your pathway"
    stroke = page.get_by_role("region", name="Stroke")
    timeline = stroke.get_by_role("list", name="Stages in Stroke")
    assert timeline.locator("[aria-current=step]").inner_text().startswith("4")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    steps = page.get_by_role("region", name="What to do next")
    assert steps.get_by_text("Log supervised sessions in Stroke").is_visible()
    go(page, steps.get_by_role("link", name="Open my sessions"))
    assert page.url.endswith("/sessions/")
    assert page.console_errors == []


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_an_expiring_record_links_to_itself(page, transactional_db):
    from tests import pathway_builders as pb

    _rules()
    today = timezone.localdate()
    trainer = pb.recognised_trainer(today=today)
    insurance = trainer.insurances.get()
    insurance.expires_on = today + dt.timedelta(days=30)
    insurance.save()
    force_login(page, trainer.user)
    page.goto("/pathway/")

    expiring = page.get_by_role("region", name="Expiring within 90 days")
    go(page, expiring.get_by_role("link", name=str(insurance.insurer), exact=False).first)
    assert str(insurance.public_id) in page.url
    assert page.console_errors == []


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_staff_change_a_rule_and_their_menu_stays_on_one_line(page, staff_user, transactional_db):
    _rules()
    staff_user.name = "Maximilian-Alexander Smith"  # a long name must not wrap the menu
    staff_user.save()
    force_login(page, with_totp(staff_user))
    page.goto("/staff/pathway/")
    header = page.locator(".header-inner").bounding_box()
    assert header is not None and header["height"] <= 64, "the staff menu wrapped at 1280 px"

    go(page, page.get_by_role("link", name="Change the rules"))
    page.get_by_label("Sessions at level 1").fill("8")
    page.get_by_label("What changed and why").fill("More practice at level 1.")
    go(page, page.get_by_role("button", name="Save as a new version"))

    assert page.get_by_role("heading", level=1).inner_text().endswith("version 2")
    changes = page.get_by_role("region", name="What changed from version 1")
    assert changes.get_by_text("8, 4, 2").is_visible()
    assert page.console_errors == []
