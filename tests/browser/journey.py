"""Steps shared by the phone journeys: loading pages, the mobile menu, a second browser."""

from tests.browser.conftest import TIMEOUT_MS, VIEWPORTS


def go(page, locator) -> None:
    """Click a link or button that loads a new page, and wait until it has loaded."""
    with page.expect_navigation():
        locator.click()


def open_from_menu(page, label: str) -> None:
    """On a phone the main navigation is behind the Menu button."""
    page.get_by_role("button", name="Menu").click()
    nav = page.get_by_role("navigation", name="Main")
    go(page, nav.get_by_role("link", name=label, exact=True))


def sign_out(page) -> None:
    page.get_by_role("button", name="Menu").click()
    go(page, page.get_by_role("button", name="Sign out"))


def new_phone_page(browser, live_server):
    """A second, separate browser (own cookies), set up like the `page` fixture's."""
    context = browser.new_context(
        viewport=VIEWPORTS["phone"],
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    other.live_server_url = live_server.url
    other.console_errors = []
    other.on("console", lambda m: other.console_errors.append(m.text) if m.type == "error" else 0)
    other.on("pageerror", lambda error: other.console_errors.append(str(error)))
    return other
