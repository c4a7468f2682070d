"""Browser tests: Playwright (sync API) drives Debian's Chromium against the live server.

Every test here is marked ``browser``; run them alone with ``pytest -m browser``. Chromium must
be installed (``apt-get install chromium``): without it these tests FAIL, they never skip,
because CI installs it and a silent skip would hide a broken journey.

Static files come from STATIC_ROOT through WhiteNoise, exactly as in production, so
``collectstatic`` must have run (``make test`` does it).

The suite's production-like settings stay as they are: SESSION_COOKIE_SECURE and
CSRF_COOKIE_SECURE are on, and Chromium keeps Secure cookies from http://localhost because it
treats localhost as a secure context (checked with Chromium 156), so nothing is flipped here.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from pytest_django.live_server_helper import LiveServer

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Long enough for a slow CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.fail(
            "Chromium is not installed, so the browser tests cannot run. Install it with "
            "`apt-get install -y chromium` (CI does), or deselect them with `-m 'not browser'`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def live_server(request, django_db_setup):
    """pytest-django's live server, with /static/ left to WhiteNoise.

    pytest-django serves /static/ through staticfiles' finders, which know nothing of the
    hashed names that the manifest storage puts into every page, so the CSS and JS would
    404. Passing requests straight to the WSGI app lets WhiteNoise serve STATIC_ROOT as it
    does in production. It depends on django_db_setup so that it starts after the test
    database exists (and shares the in-memory SQLite connection), never on the real one.
    """
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        pytest.fail(
            f"{manifest} is missing: run `DEBUG=true manage.py collectstatic --noinput` "
            "first (`make test` does).",
            pytrace=False,
        )
    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _no_static_handler
    server.start()
    yield server
    server.stop()


def _no_static_handler(application):
    return application


# Package scope, not session: while Playwright runs, its event loop counts as running in this
# thread, so tests collected after tests/browser would get database connections that the final
# teardown cannot close ("database is being accessed by other users" on PostgreSQL).
@pytest.fixture(scope="package")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django refuses ORM
    # calls from a thread with a running loop unless told that this is deliberate.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """A private, empty cache for each browser test.

    allauth keeps rate-limit hits (30 logins a minute per IP) and used TOTP codes (keyed by
    user id, which a flushed SQLite database hands out again) in the cache: a journey must
    not be refused because of an earlier one. A process-local cache (the live server runs in
    this process) avoids flushing a Redis database that might be shared.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "browser-tests",
        }
    }
    cache.clear()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(request, browser, live_server):
    """A fresh browser context and page; parametrized desktop (1280x800) and phone (375x812).

    Pick one viewport with ``@pytest.mark.parametrize("page", ["phone"], indirect=True)``.
    The page's ``console_errors`` list collects console errors and uncaught exceptions
    (a CSP violation is one): assert it is empty at the end of a journey.
    """
    context = browser.new_context(
        viewport=VIEWPORTS[request.param],
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.viewport_name = request.param
    page.live_server_url = live_server.url
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            page.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    # Playwright's init scripts run outside the page's CSP, so this listener always loads.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    yield page
    context.close()
