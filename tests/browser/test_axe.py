"""axe-core over every page each demo persona can reach, at 1280 and 375 px.

For each persona of `seed_demo` (signed out, trainer, mentor, clinic admin, staff) one
logged-in browser context follows every same-site link from the persona's start pages, and
visits each *view* once (the first URL met for a URL pattern: one CPD activity stands for
all of them). Pages that only a form submission reaches are added by hand (`STATES`): the
forms with their errors, the import's preview. On each page every <details> is opened (hidden
content is skipped by axe), axe runs at 1280 px, the viewport narrows to 375 px without a
reload, and axe runs again. Any serious or critical violation fails, listed with its page,
width and elements.

`EXCEPTIONS` may excuse one rule on one third-party page that the project cannot change,
with the reason: the Django admin's findings are repaired by static/js/admin-a11y.js; one
of Swagger UI's (the API docs) cannot be.

Runtime and coverage are written to screenshots/axe-<persona>.txt (git-ignored).
"""

import io
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.browser.axe import serious_violations
from tests.browser.conftest import TIMEOUT_MS, VIEWPORTS
from tests.browser.helpers import force_login, with_totp

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PERSONAS = {
    # persona: (demo account, pages to start from)
    "anonymous": (None, ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]),
    "trainer": ("trainer@example.com", ["/"]),  # no second factor: sees the set-up pages
    "mentor": ("mentor@example.com", ["/", "/mentor/queue/"]),  # the queue: helper workspace
    "clinic_admin": ("clinic@example.com", ["/"]),
    "staff": ("staff@example.com", ["/", "/admin/"]),
}
# Views that answer with a file, or that act (sign out goes by POST and is never a link).
NOT_PAGES = {
    "account_logout",
    "trainers:evidence_download",
    "programme:bulk_import_template",
    "programme:check_pdf",
    "programme:compliance_csv",
    "qualifications:cpd_export_download",
}
# (url name, axe rule) -> why the project cannot change that third-party page. Keep narrow.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # The API's docs page is the Swagger UI that django-ninja ships (its colours are darkened
    # in static/css/api-docs.css); each operation's summary is a button that holds the
    # "copy path" button, in Swagger UI's own markup.
    ("api_v1:openapi-view", "nested-interactive"): "Swagger UI's operation summary markup",
}
MAX_PAGES = 150  # per persona: a runaway crawl fails instead of running for ever


def view_key(path: str) -> str | None:
    """The URL pattern a path belongs to ("qualifications:cpd_detail"), None if not ours."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def same_site_paths(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map((a) => a.href)")
    here = urlsplit(page.url)
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme in {"http", "https"} and parts.netloc == here.netloc:
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


# Pages behind a form: name -> a function of the page that gets there (the page's URL after
# it is the one reported). They run once the links have been crawled.
def _cpd_form_with_errors(page) -> None:
    page.goto("/qualifications/cpd/add/")
    with page.expect_navigation():  # wait for the next page, not this one
        page.get_by_role("button", name="Save activity").click()
    assert page.get_by_role("alert").is_visible()


def _record_form_with_errors(page) -> None:
    page.goto("/qualifications/records/add/")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    assert page.get_by_role("alert").is_visible()


def _login_with_errors(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not the password")
    with page.expect_navigation():
        page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    assert page.url.endswith("/accounts/login/")  # refused, with its message


def _verification_with_errors(page) -> None:
    from qualifications.models import TrainerQualification

    pending = TrainerQualification.objects.filter(status="pending")[0]
    page.goto(f"/trainers/verification/qualification/{pending.public_id}/")
    with page.expect_navigation():
        page.get_by_role("region", name="Verify").get_by_role("button", name="Verify").click()
    assert page.get_by_role("alert").is_visible()


def _scope_declaration_with_errors(page) -> None:
    page.goto("/scope/declare/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign the declaration").click()
    assert page.get_by_role("alert").is_visible()


def _scope_draft_preview(page) -> None:
    """A draft (the demo has only a published version): its preview, publish form and edit."""
    page.goto("/staff/scope/new/")
    page.get_by_label("Title").fill("Scope of practice, corrected")
    page.get_by_label("Text").fill("# Heading\n\nWork **within** it.\n\n- One\n- Two")
    page.get_by_label("Stroke").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").click()
    assert page.get_by_role("button", name="Publish this version").is_visible()


def _scope_draft_edit(page) -> None:
    page.get_by_role("link", name="Edit the draft").click()
    page.wait_for_url("**/edit/")


def _import_preview(valid: bool) -> Callable:
    def upload(page) -> None:
        from programme.imports.services import template_csv

        text = template_csv(example=True)
        if not valid:  # one unknown qualification, one malformed e-mail
            header, first, *_ = text.splitlines()
            text = f"{header}\n{first.replace('@', '')}\nx@example.org,X,nothing,?,1,2020-01-01,\n"
        page.goto("/staff/import/")
        page.get_by_label("CSV file").set_input_files(
            {"name": "trainers.csv", "mimeType": "text/csv", "buffer": text.encode()}
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Check the file").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Check the import"
        assert page.get_by_role("alert").count() == (0 if valid else 1)

    return upload


def _review_with_evidence(page) -> None:
    """The demo's records have no files; the review page's previews need some."""
    from django.test import Client

    from qualifications.models import TrainerQualification
    from tests.trainers.uploads import good_pdf, good_png

    pending = TrainerQualification.objects.filter(status="pending")[0]
    trainer = Client()
    trainer.force_login(pending.trainer.user)
    added = trainer.post(
        f"/trainers/records/qualification/{pending.public_id}/evidence/",
        {"evidence": [good_png(), good_pdf()]},
    )
    assert added.status_code == 302
    page.goto(f"/trainers/verification/qualification/{pending.public_id}/")
    assert page.locator("main img, main iframe").count() == 2


def _clinic_with_members_in_the_admin(page) -> None:
    """The crawl's clinic may have no members; this one's inline rows have delete boxes."""
    from trainers.models import Clinic

    clinic = Clinic.objects.filter(memberships__isnull=False).distinct()[0]
    page.goto(f"/admin/trainers/clinic/{clinic.pk}/change/")
    assert page.locator("td.delete input[type=checkbox]").count() >= 1


def _meeting_form_with_warning(page) -> None:
    """The supervision meeting form once the identifier check has fired: the tick appears."""
    page.goto("/meetings/new/")
    page.get_by_label("Topics discussed").fill("Client Sarah: pacing after her stroke.")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the meeting").click()
    assert page.get_by_label("I have checked: this text does not identify a client").is_visible()


def _meeting_dispute_with_errors(page) -> None:
    from mentorship.models import MeetingStatus, SupervisionMeeting

    waiting = SupervisionMeeting.objects.filter(
        status=MeetingStatus.AWAITING, recorded_by__email="mentor@example.com"
    )[0]
    page.goto(f"/meetings/{waiting.public_id}/")
    page.get_by_text("Something is wrong: dispute it").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Dispute the record").click()
    assert page.get_by_role("alert").first.is_visible()


# Supervised sessions (helper "sessions"): the form's and the decision's error states, and a
# session with two rounds, made through the services for the demo trainer and mentor.
def _demo_session(*, submit: bool = True, rounds: int = 1):
    import datetime as dt

    from django.utils import timezone

    from mentorship.services.sessions import (
        SessionData,
        session_create,
        session_return,
        session_submit,
    )
    from qualifications.models import ConditionArea
    from rehabpath.audit import Actor
    from rehabpath.models import User

    trainer = User.objects.get(email="trainer@example.com")
    mentor = User.objects.get(email="mentor@example.com")
    data = SessionData(
        session_date=timezone.localdate() - dt.timedelta(days=3),
        duration_minutes=45,
        condition_area=ConditionArea.objects.get(slug="stroke"),
        complexity=2,
        mode="direct_observation",
        client_reference="C-014",
        delivered="Seated balance work; shorter sets as fatigue rose.",
        adapted=True,
        paused=False,
        escalated=True,
        escalated_to="Referring physiotherapist",
        escalation_reason="New dizziness on standing.",
        reflection="Start the rest breaks earlier.",
    )
    session = session_create(
        actor=Actor.for_user(trainer), trainer=trainer.trainer_profile, data=data
    )
    for n in range(rounds if submit else 0):
        if n:
            session_return(actor=Actor.for_user(mentor), session=session, feedback="Add the RPE.")
        session_submit(actor=Actor.for_user(trainer), session=session)
    return session


def _session_form_with_errors(page) -> None:
    page.goto("/sessions/new/")
    page.get_by_label("Client reference").fill("Mrs Patel")
    page.get_by_label("Your reflection").fill("Her daughter lives at BS1 4DJ.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save as a draft").click()
    assert page.get_by_role("alert").is_visible()


def _session_with_two_rounds(page) -> None:
    session = _demo_session(rounds=2)
    page.goto(f"/sessions/{session.public_id}/")
    assert page.get_by_role("heading", name="Rounds").is_visible()


def _session_decision_with_errors(page) -> None:
    session = _demo_session()
    page.goto(f"/sessions/{session.public_id}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Record my decision").click()
    assert page.get_by_role("alert").is_visible()


def _demo_check_page(page) -> None:
    from trainers.models import Clinic, TrainerProfile

    clinic = Clinic.objects.get(name="Riverside Neuro Rehab")
    trainer = TrainerProfile.objects.get(user__email="trainer@example.com")
    page.goto(f"/clinic/{clinic.public_id}/trainers/{trainer.public_id}/")


def _check_form_with_errors(page) -> None:
    _demo_check_page(page)
    page.get_by_label("Day to check").fill("2000-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Check and record").click()
    assert page.get_by_text("cannot answer for a day in the past").first.is_visible()


def _stored_check(page) -> None:
    _demo_check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Check and record").click()
    assert page.get_by_role("link", name="Download PDF record").is_visible()


STATES: dict[str, dict[str, Callable]] = {
    "anonymous": {"login with errors": _login_with_errors},
    "trainer": {
        "CPD form with errors": _cpd_form_with_errors,
        "qualification form with errors": _record_form_with_errors,
        "scope declaration with errors": _scope_declaration_with_errors,
        "meeting form with the identifier warning": _meeting_form_with_warning,
        "meeting dispute with errors": _meeting_dispute_with_errors,
        "session form with errors": _session_form_with_errors,
        "session with two rounds": _session_with_two_rounds,
    },
    "mentor": {"session decision with errors": _session_decision_with_errors},
    "clinic_admin": {
        "check form with errors": _check_form_with_errors,
        "a stored check of every area": _stored_check,
    },
    "staff": {
        "verification form with errors": _verification_with_errors,
        "import preview": _import_preview(valid=True),
        "import preview with problems": _import_preview(valid=False),
        "admin clinic with members": _clinic_with_members_in_the_admin,
        "verification review with evidence": _review_with_evidence,
        "scope draft with its preview": _scope_draft_preview,
        "scope draft being edited": _scope_draft_edit,
    },
}


def check(page, label: str, found: list[str], key: str | None) -> None:
    """Open every disclosure, run axe at both widths; add what fails to `found`."""
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    for viewport in ("desktop", "phone"):
        page.set_viewport_size(VIEWPORTS[viewport])
        for violation in serious_violations(page):
            if (key, violation["id"]) in EXCEPTIONS:
                continue
            nodes = ", ".join(violation["nodes"][:5])
            found.append(
                f"{label} @{VIEWPORTS[viewport]['width']}px: {violation['id']} "
                f"({violation['impact']}) {violation['help']}: {nodes}"
            )
    page.set_viewport_size(VIEWPORTS["desktop"])


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", force=True, stdout=io.StringIO())


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_no_serious_axe_violation_on_any_page_of_the_persona(browser, live_server, demo, persona):
    from rehabpath.models import User

    email, start = PERSONAS[persona]
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"],
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.live_server_url = live_server.url
    if email is not None:
        user = User.objects.get(email=email)
        force_login(page, user if persona == "trainer" else with_totp(user))

    began = time.monotonic()
    found: list[str] = []
    visited: dict[str, str] = {}  # view -> the URL that stood for it
    files: list[str] = []
    broken: list[str] = []  # links that lead to an error page
    queue = list(start)
    try:
        while queue:
            path = queue.pop(0)
            key = view_key(urlsplit(path).path)
            if key is None or key in visited or key in NOT_PAGES:
                continue
            assert len(visited) < MAX_PAGES, f"more than {MAX_PAGES} pages: {sorted(visited)}"
            try:
                response = page.goto(path)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    files.append(path)  # a file, not a page: add its view to NOT_PAGES
                    continue
                raise
            visited[key] = path
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            if response.status >= 400:
                broken.append(f"{path} ({response.status})")
            check(page, path, found, key)
            queue += [p for p in same_site_paths(page) if p not in queue]

        for name, reach in STATES.get(persona, {}).items():
            reach(page)
            check(page, f"{name} ({urlsplit(page.url).path})", found, view_key(page.url))
    finally:
        context.close()

    seconds = time.monotonic() - began
    pages = len(visited) + len(STATES.get(persona, {}))
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"axe-{persona}.txt").write_text(
        f"{persona}: {pages} pages x 2 widths in {seconds:.1f} s\n"
        + "".join(f"  {key}  {url}\n" for key, url in sorted(visited.items()))
        + "".join(f"  (file) {url}\n" for url in files)
        + "".join(f"  FAIL {line}\n" for line in found),
        encoding="utf-8",
    )
    assert pages >= len(start)
    assert files == [], f"links to files whose views are missing from NOT_PAGES: {files}"
    assert broken == [], f"links to error pages: {broken}"
    assert found == [], f"{len(found)} serious or critical axe violations:\n" + "\n".join(found)
