"""The mentor's workspace in a real browser, at 1280 and 375 px: from the dashboard into the
sign-off queue and a mentee's page, nothing wider than the screen. Screenshots go to
screenshots/workspace-*.png (git-ignored) for a look."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from mentorship.models import SessionRound, SessionStatus
from tests import factories
from tests.browser.helpers import force_login, with_totp
from tests.mentorship.workspace_data import make_session

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def _mentees(mentor_user):
    today = timezone.localdate()
    stroke = factories.ConditionAreaFactory(slug="stroke", name="Stroke")
    ms = factories.ConditionAreaFactory(slug="ms", name="Multiple sclerosis")
    sam = factories.MentorAssignmentFactory(
        mentor=mentor_user.mentor_profile,
        trainer__user__name="Samira Okonkwo-Bennett",
        starts_on=today - dt.timedelta(days=120),
        ends_on=today + dt.timedelta(days=20),
    )
    sam.focus_areas.add(stroke, ms)
    jo = factories.MentorAssignmentFactory(
        mentor=mentor_user.mentor_profile,
        trainer__user__name="Jo Li",
        starts_on=today - dt.timedelta(days=60),
    )
    day = today - dt.timedelta(days=30)
    for _ in range(6):
        make_session(sam.trainer, area=stroke, status=SessionStatus.SIGNED_OFF, session_date=day)
    make_session(sam.trainer, area=stroke, complexity=2, status="signed_off", session_date=day)
    make_session(sam.trainer, area=ms, complexity=3, status="returned", session_date=day)
    now = timezone.now()
    for trainer, days, level in ((sam.trainer, 11, 2), (jo.trainer, 3, 1), (sam.trainer, 0, 3)):
        session = make_session(
            trainer,
            area=stroke if level != 3 else ms,
            complexity=level,
            session_date=day,
            submitted_at=now - dt.timedelta(days=days),
        )
        for number in (1, 2) if level == 2 else (1,):
            SessionRound.objects.create(
                session=session,
                number=number,
                content={},
                submitted_at=now,
                decision="returned" if number == 1 and level == 2 else "",
                feedback="More on the pacing, please." if number == 1 and level == 2 else "",
            )
    factories.SupervisionMeetingFactory.create(
        assignment=sam,
        meeting_date=today - dt.timedelta(days=40),
        status="confirmed",
        confirmed_by=sam.trainer.user,
        confirmed_at=now,
    )
    return sam


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"workspace-{name}-{page.viewport_name}.png", full_page=True)


def test_a_mentor_goes_from_the_dashboard_to_the_queue_and_a_mentee(page, mentor_user):
    sam = _mentees(mentor_user)
    force_login(page, with_totp(mentor_user))

    page.goto("/")
    assert page.get_by_text("1 over 7 days").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    _shot(page, "dashboard")

    page.get_by_role("link", name="Open the sign-off queue").click()
    page.wait_for_url("**/mentor/queue/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-off queue"
    items = page.locator("li.queue-item")
    assert items.count() == 3
    assert "waiting 11 days" in items.nth(0).inner_text()
    assert "Round 2: resubmitted" in items.nth(0).inner_text()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    _shot(page, "queue")

    page.get_by_role("link", name="Samira Okonkwo-Bennett", exact=True).click()
    page.wait_for_url(f"**/mentor/mentees/{sam.trainer.public_id}/")
    assert page.get_by_role("heading", name="Overdue").is_visible()
    assert page.get_by_role("table").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    _shot(page, "mentee")
    assert page.console_errors == []
