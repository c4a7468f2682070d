"""Programme staff in a real browser: find a trainer, suspend them, filter the queue, and
check evidence previewed inline on the review page (1280 and 375 px)."""

from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import force_login, with_totp
from tests.trainers.test_evidence import attach
from tests.trainers.uploads import good_pdf, good_png

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def _trainer(name: str, email: str):
    user = factories.UserFactory.create(name=name, email=email)
    return factories.TrainerProfileFactory.create(user=user)


def test_staff_find_a_trainer_and_suspend_them_with_a_reason(page, staff_user, transactional_db):
    maya = _trainer("Maya Patel", "maya@example.com")
    _trainer("Amir Khan", "amir@example.com")
    factories.TrainerQualificationFactory.create(trainer=maya, certificate_number="YMCA-7781")
    force_login(page, with_totp(staff_user))

    page.goto("/")
    page.get_by_label("Find a trainer").fill("ymca-77")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/staff/trainers/?q=ymca-77")
    results = page.get_by_role("table")
    assert results.get_by_role("link", name="Maya Patel").is_visible()
    assert results.get_by_text("Amir Khan").count() == 0
    assert page.evaluate(NO_HORIZONTAL_SCROLL)

    results.get_by_role("link", name="Maya Patel").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Maya Patel"
    page.get_by_label("Reason").fill("Insurance lapsed on 30 November.")
    page.get_by_role("button", name="Suspend").click()
    page.wait_for_load_state()
    assert page.get_by_text("Maya Patel is suspended").is_visible()
    assert page.get_by_role("heading", name="Suspended since").is_visible()
    assert page.get_by_role("button", name="Reinstate").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.console_errors == []


def test_staff_filter_the_queue_and_see_evidence_inline(page, staff_user, trainer_user):
    profile = trainer_user.trainer_profile
    qualification = factories.TrainerQualificationFactory.create(trainer=profile)
    attach(qualification, good_png("photo.png"), good_pdf("certificate.pdf"))
    factories.InsuranceFactory.create(trainer=profile)
    force_login(page, with_totp(staff_user))

    page.goto("/trainers/verification/")
    assert page.get_by_text("2 records waiting").is_visible()
    page.get_by_label("Evidence").select_option("yes")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**evidence=yes**")
    assert page.get_by_text("1 record waiting matches these filters").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)

    page.get_by_role("link", name="Review").click()
    image = page.get_by_role("img", name="Evidence file photo.png (PNG image), as uploaded")
    image.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    # The image came through the preview view: loaded, not blocked by any policy.
    assert image.evaluate("img => img.naturalWidth") > 0
    assert page.locator("iframe[title='Evidence file certificate.pdf (PDF)']").count() == 1
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.console_errors == []
