"""Issue 7's supervision cycle on a phone (375 px), trainer and mentor each in their own browser.

1. The trainer signs in through the form, logs a supervised session from the mobile menu and
   sends it to their mentor.
2. The mentor signs in (password and authenticator code: mentors need a second factor), opens
   the sign-off queue, opens the session and returns it with feedback.
3. The trainer sees the feedback on the session, edits it and sends it again.
4. The mentor finds it in the queue as round 2 and signs it off.
5. The trainer sees it signed off and counted in "Signed off, by condition area and level".

No sleeps: every step waits for the page it loads (expect_navigation) or for an element.
Screenshots go to screenshots/supervision-*.png (git-ignored) for a human to look at.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import login_via_form, with_totp
from tests.browser.journey import go, new_phone_page, open_from_menu

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
FEEDBACK = "Say what you checked before the standing work, and how you graded the fatigue."
SIGN_OFF_FEEDBACK = "Clear grading and a safe response to the fatigue. Well done."

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"supervision-{name}.png"), full_page=True)


def fits(page) -> bool:
    return page.evaluate(NO_HORIZONTAL_SCROLL)


@pytest.fixture
def people(transactional_db):
    from qualifications.catalogue import load_catalogue

    load_catalogue()  # the condition areas
    trainer = factories.TrainerProfileFactory(
        user__name="Tara Journey", user__email="tara.journey@example.org"
    )
    mentor = factories.MentorProfileFactory(
        user__name="Morgan Journey", user__email="morgan.journey@example.org"
    )
    with_totp(mentor.user)
    factories.MentorAssignmentFactory(
        mentor=mentor,
        trainer=trainer,
        starts_on=timezone.localdate() - dt.timedelta(days=30),
    )
    return trainer.user, mentor.user


def stroke_counts(page) -> list[str]:
    """The trainer's signed-off counts for stroke, levels 1 to 3 (each cell reads "n/required")."""
    counts = page.get_by_role("region", name="Your supervised practice")
    row = counts.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Stroke"))
    return row.get_by_role("cell").locator(".progress-count strong").all_inner_texts()


def open_from_queue(mentor_page, trainer_name: str) -> None:
    open_from_menu(mentor_page, "Sign-off queue")
    expect(mentor_page.get_by_role("heading", level=1)).to_have_text("Sign-off queue")
    queue = mentor_page.get_by_role("list", name=re.compile("^Sessions waiting"))
    go(mentor_page, queue.get_by_role("link", name=re.compile(f"^{trainer_name}")))


def decide(mentor_page, *, feedback: str, decision: re.Pattern[str]) -> None:
    form = mentor_page.get_by_role("region", name="Your decision")
    form.get_by_role("textbox", name="Your feedback").fill(feedback)
    form.get_by_role("radio", name=decision).check()
    go(mentor_page, form.get_by_role("button", name="Record my decision"))


def test_a_session_is_returned_resubmitted_and_signed_off_on_a_phone(
    page, browser, live_server, people
):
    trainer, mentor = people
    day = timezone.localdate() - dt.timedelta(days=3)

    # 1. The trainer logs a session and sends it.
    login_via_form(page, trainer.email, factories.PASSWORD)
    open_from_menu(page, "Sessions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supervised sessions")
    go(page, page.get_by_role("link", name="Log a session").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a supervised session")
    page.get_by_label("Date of the session").fill(day.isoformat())
    page.get_by_label("Duration in minutes").fill("60")
    page.get_by_label("Condition area").select_option(label="Stroke")
    page.get_by_role("radio", name=re.compile("^Level 2")).check()
    page.get_by_role("radio", name="Direct observation").check()
    page.get_by_label("Client reference").fill("C-014")
    page.get_by_label("What you delivered and how you adapted it").fill(
        "Sit-to-stand practice in three sets, then step-ups with rail support."
    )
    page.get_by_label("I had to adapt the session").check()
    page.get_by_label("Your reflection").fill("Fatigue came early: I shortened the sets.")
    assert fits(page)
    shoot(page, "01-trainer-form")
    go(page, page.get_by_role("button", name="Save as a draft"))
    expect(page.get_by_role("status").first).to_contain_text("is saved as a draft")
    go(page, page.get_by_role("button", name="Send to my mentor"))
    expect(page.get_by_role("status").first).to_contain_text("Sent to your mentor")
    expect(page.get_by_text("Waiting for the mentor").first).to_be_visible()
    assert fits(page)
    shoot(page, "02-trainer-sent")

    mentor_page = new_phone_page(browser, live_server)
    try:
        # 2. The mentor opens it from the queue and returns it with feedback.
        login_via_form(mentor_page, mentor.email, factories.PASSWORD, totp_user=mentor)
        open_from_queue(mentor_page, "Tara Journey")
        expect(mentor_page.get_by_role("heading", level=1)).to_contain_text("Session of")
        happened = mentor_page.get_by_role("region", name="What happened")
        expect(happened).to_contain_text("Fatigue came early: I shortened the sets.")
        assert fits(mentor_page)
        shoot(mentor_page, "03-mentor-session")
        decide(mentor_page, feedback=FEEDBACK, decision=re.compile("^Return it"))
        expect(mentor_page.get_by_role("status").first).to_contain_text(
            "Returned to the trainer with your feedback"
        )
        shoot(mentor_page, "04-mentor-returned")

        # 3. The trainer reads the feedback, edits the session and sends it again.
        open_from_menu(page, "Sessions")
        expect(page.get_by_text("returned to you").first).to_be_visible()
        go(page, page.get_by_role("link", name=re.compile(day.strftime("%-d %b"))).first)
        returned = page.get_by_role("status").filter(has_text="Returned by Morgan Journey")
        expect(returned).to_contain_text(FEEDBACK)
        assert fits(page)
        shoot(page, "05-trainer-feedback")
        go(page, page.get_by_role("link", name="Edit").first)
        page.get_by_label("Your reflection").fill(
            "Fatigue came early: I checked blood pressure before standing and shortened the "
            "sets when the exertion rating reached 5."
        )
        go(page, page.get_by_role("button", name="Save changes"))
        expect(page.get_by_role("status").first).to_contain_text("Your changes are saved")
        go(page, page.get_by_role("button", name="Send it again"))
        expect(page.get_by_role("status").first).to_contain_text("Sent to your mentor")

        # 4. The mentor finds round 2 in the queue and signs it off.
        open_from_menu(mentor_page, "Sign-off queue")
        expect(mentor_page.get_by_text("Round 2: resubmitted")).to_be_visible()
        shoot(mentor_page, "06-mentor-queue-round-2")
        open_from_queue(mentor_page, "Tara Journey")
        happened = mentor_page.get_by_role("region", name="What happened")
        expect(happened).to_contain_text("checked blood pressure before standing")
        decide(mentor_page, feedback=SIGN_OFF_FEEDBACK, decision=re.compile("^Sign off"))
        expect(mentor_page.get_by_role("status").first).to_contain_text("Signed off")
        signed = mentor_page.get_by_role("region", name="Signed off")
        expect(signed).to_contain_text("I observed this session directly")
        assert re.search(r"\b[0-9a-f]{64}\b", signed.inner_text())
        assert fits(mentor_page)
        shoot(mentor_page, "07-mentor-signed-off")
        assert mentor_page.console_errors == []
    finally:
        mentor_page.context.close()

    # 5. The trainer sees it signed off and counted at level 2 in stroke.
    open_from_menu(page, "Sessions")
    assert stroke_counts(page) == ["0", "1", "0"]
    expect(page.get_by_role("table").last.get_by_text("Signed off")).to_be_visible()
    assert fits(page)
    shoot(page, "08-trainer-counted")
    assert page.console_errors == []
