"""A trainer's notifications, at 1280 px and 375 px: the bell's count, opening one (the count
drops and the page concerned opens), marking all read, and moving a kind out of their e-mail.
Screenshots go to screenshots/notifications-*.png."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from rehabpath.models import Delivery, NotificationPreference
from tests import factories
from tests.browser.axe import serious_violations
from tests.browser.helpers import force_login
from tests.browser.journey import go

SHOTS = Path(settings.BASE_DIR) / "screenshots"
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
WIDTH = {"desktop": 1280, "phone": 375}


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    width = WIDTH[page.viewport_name]
    page.screenshot(path=str(SHOTS / f"notifications-{name}-{width}.png"), full_page=True)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways at {width} px"
    assert serious_violations(page) == [], name


def _bell(page):
    """The header's notifications link that this width shows (one of two is hidden)."""
    return page.locator(".inbox-link:visible")


def _notify(user, n, *, title_name, path):
    Delivery.objects.create(
        recipient=user,
        kind="mentor.assignment",
        template="mentor_assignment",
        subject_key=f"journey:{n}",
        context={"event": "start", "role": "trainer", "other_name": title_name},
        path=path,
        status=Delivery.Status.SENT,
        created_at=timezone.now() - dt.timedelta(hours=n),
    )


def test_a_trainer_reads_their_notifications_and_mutes_a_kind(page, transactional_db):
    trainer = factories.TrainerProfileFactory(user__name="Tia Trainer")
    _notify(trainer.user, 1, title_name="Morgan Mentor", path="/sessions/")
    _notify(trainer.user, 2, title_name="Robin Reed", path="/sessions/")
    _notify(trainer.user, 3, title_name="Sam Stone", path="/sessions/")
    force_login(page, trainer.user)

    page.goto("/")
    bell = _bell(page)
    expect(bell).to_have_count(1)
    expect(bell).to_have_accessible_name("3 unread notifications")
    expect(bell.locator(".inbox-count")).to_have_text("3")
    header = page.locator(".header-inner").bounding_box()
    assert header is not None and header["height"] <= 64, "the header wrapped"
    _shot(page, "header")

    go(page, bell)
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    _shot(page, "list")

    # The title is the open button, and reads as a link: no filled button in a list of them.
    title = page.get_by_role("button", name="Unread: Morgan Mentor is your mentor")
    assert title.evaluate("b => getComputedStyle(b).backgroundColor") == "rgba(0, 0, 0, 0)"
    # Opening one marks it read and leads to its page; the bell counts one less.
    go(page, page.get_by_role("button", name="Unread: Morgan Mentor is your mentor"))
    assert page.url.endswith("/sessions/")
    expect(_bell(page)).to_have_accessible_name("2 unread notifications")

    go(page, _bell(page))
    expect(
        page.get_by_role("button", name="Morgan Mentor is your mentor", exact=True)
    ).to_be_visible()
    go(page, page.get_by_role("button", name="Mark all as read"))
    expect(page.get_by_text("Marked 2 notifications as read.")).to_be_visible()
    expect(_bell(page)).to_have_accessible_name("Notifications, none unread")
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    _shot(page, "all-read")

    go(page, page.get_by_role("link", name="E-mail choices"))
    expect(page.get_by_role("heading", name="Which e-mails you get")).to_be_visible()
    expect(page.get_by_text("it is always e-mailed").first).to_be_visible()
    group = page.get_by_role("group", name="A mentor assigned or ended")
    group.get_by_label("In the app only").check()
    go(page, page.get_by_role("button", name="Save my choices"))
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(
        page.get_by_role("group", name="A mentor assigned or ended").get_by_label("In the app only")
    ).to_be_checked()
    assert (
        NotificationPreference.objects.get(user=trainer.user, kind="mentor.assignment").choice
        == "off"
    )
    _shot(page, "preferences")
    assert page.console_errors == []


def test_an_empty_list_and_the_staff_header(page, transactional_db):
    from tests.browser.helpers import with_totp

    staff = with_totp(factories.UserFactory(is_staff=True, name="Maximilian-Alexander Smith"))
    force_login(page, staff)

    page.goto("/notifications/")
    expect(page.get_by_text("No notifications yet.")).to_be_visible()
    expect(_bell(page)).to_have_accessible_name("Notifications, none unread")
    header = page.locator(".header-inner").bounding_box()
    assert header is not None and header["height"] <= 64, "the staff header wrapped"
    _shot(page, "staff-empty")
    assert page.console_errors == []
