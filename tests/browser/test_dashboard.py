"""The home dashboard in a real browser: signing in, the panels, keyboard use, the small screen."""

import io

import pytest
from django.core.management import call_command

from tests.browser.helpers import DEMO_PASSWORD, force_login, login_via_form, with_totp
from tests.factories import PASSWORD

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def demo_data(transactional_db):
    # The documented demo accounts, as `make run` creates them (--force: DEBUG is off here).
    call_command("seed_demo", force=True, stdout=io.StringIO())


def test_demo_trainer_signs_in_through_the_form_and_sees_the_dashboard(page, demo_data):
    login_via_form(page, "trainer@example.com", DEMO_PASSWORD)

    assert page.url == f"{page.live_server_url}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Tara"
    panel = page.get_by_role("region", name="Your records")
    assert panel.is_visible()
    assert panel.get_by_text("Trainer", exact=True).is_visible()
    assert page.get_by_role("link", name="Open my records").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.console_errors == []


def test_staff_signs_in_with_totp_and_sees_the_staff_panel(page, staff_user):
    login_via_form(page, staff_user.email, PASSWORD, totp_user=staff_user)

    assert page.url == f"{page.live_server_url}/"
    panel = page.get_by_role("region", name="Programme")
    assert panel.is_visible()
    assert panel.get_by_text("Awaiting verification").is_visible()
    assert page.get_by_role("link", name="Read the audit log").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.console_errors == []


def test_staff_without_totp_is_sent_to_mfa_setup_after_signing_in(page, demo_data):
    login_via_form(page, "staff@example.com", DEMO_PASSWORD)

    assert page.url.endswith("/accounts/2fa/")
    assert page.get_by_text("needs a second factor").is_visible()


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_skip_link_is_the_first_focusable_element_and_moves_focus_to_main(page, trainer_user):
    force_login(page, trainer_user)
    page.goto("/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    skip_link = page.get_by_role("link", name="Skip to main content")
    box = skip_link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0  # shown on screen when focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    # The next stop is inside main, past the header and its navigation.
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_menu_button_opens_and_closes_the_navigation_on_a_phone(page, trainer_user):
    force_login(page, trainer_user)
    page.goto("/")
    toggle = page.get_by_role("button", name="Menu")
    dashboard_link = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Dashboard"
    )
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not dashboard_link.is_visible()

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert dashboard_link.is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()

    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not dashboard_link.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_navigation_is_open_without_javascript(browser, live_server, trainer_user, page):
    force_login(page, trainer_user)
    context = browser.new_context(viewport={"width": 375, "height": 812}, java_script_enabled=False)
    try:
        context.add_cookies(page.context.cookies())
        no_js = context.new_page()
        no_js.goto(f"{live_server.url}/")
        assert not no_js.get_by_role("button", name="Menu").is_visible()
        nav = no_js.get_by_role("navigation", name="Main")
        assert nav.get_by_role("link", name="Dashboard").is_visible()
    finally:
        context.close()


def test_audit_log_has_landmarks_labelled_controls_and_fits_the_screen(page, staff_user):
    from rehabpath.audit import Actor, record_event

    record_event(
        actor=Actor.for_user(staff_user),
        action="trainer.suspend",
        target_type="trainers.trainerprofile",
        target_id="3f0c",
        target_label="Tara Trainer",
        before={"status": "active"},
        after={"status": "suspended"},
        reason="Insurance lapsed.",
    )
    with_totp(staff_user)
    force_login(page, staff_user)
    page.goto("/audit/")

    for role in ("banner", "main", "contentinfo"):
        assert page.get_by_role(role).count() == 1, role
    # On a phone the menu is collapsed, hence include_hidden.
    assert page.get_by_role("navigation", name="Main", include_hidden=True).count() == 1
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter((el) => !el.labels.length && !el.getAttribute('aria-label')
                            && !el.getAttribute('aria-labelledby'))
            .map((el) => el.name)"""
    )
    assert unlabelled == []
    row = page.get_by_role("row").filter(has_text="trainer.suspend")
    assert row.get_by_text("suspended", exact=True).is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.console_errors == []
