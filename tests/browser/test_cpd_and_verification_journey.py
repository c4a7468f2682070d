"""The issue's journey on a phone (375 px): CPD with evidence, then a qualification verified.

1. A trainer signs in through the form, opens CPD from the mobile menu, logs an activity with
   a PDF certificate and sees the points move (0 -> 3 of 10) and the file listed.
2. The mistake path: a missing reflection part and an HTML page renamed .pdf are both named in
   the error summary, nothing typed is lost, nothing is half-saved; corrected, it saves.
3. The trainer records a qualification with evidence from "My records"; programme staff (with
   TOTP, in their own browser context) open it from the verification queue, download its
   evidence and verify it; the trainer signs in again and sees it "Verified".

Screenshots of the key steps go to screenshots/journey-*.png (git-ignored) for a human to look
at; the assertions do not depend on them.
"""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import force_login, login_via_form, with_totp
from tests.browser.journey import go, new_phone_page, open_from_menu, sign_out

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert('pwned')</script>Certificate</body></html>"

pytestmark = pytest.mark.parametrize("page", ["phone"], indirect=True)


def real_pdf(title: str) -> bytes:
    """A genuine one-page PDF, as a scanner or a 'save as PDF' would produce."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_payload(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": content}


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)


def unlabelled_controls(page) -> list[str]:
    return page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter((el) => !el.labels.length && !el.getAttribute('aria-label')
                            && !el.getAttribute('aria-labelledby'))
            .map((el) => el.name)"""
    )


def points_bar(page):
    return page.get_by_role("progressbar", name="Points", exact=True)


@pytest.fixture
def catalogue(transactional_db):
    from qualifications.catalogue import load_catalogue
    from qualifications.models import CPDPolicy

    load_catalogue()  # condition areas, awarding bodies, types and the active CIMSPA policy
    assert CPDPolicy.objects.get(is_active=True).points_target == 10


@pytest.fixture
def trainer(catalogue):
    # Today is always inside the current CPD year, whatever the anniversary date.
    return factories.TrainerProfileFactory(
        user__name="Tara Journey", user__email="tara.journey@example.org"
    ).user


def fill_cpd_form(page, *, reflection_learnt: str) -> None:
    page.get_by_role("textbox", name="Date", exact=True).fill(timezone.localdate().isoformat())
    page.get_by_role("spinbutton", name="Hours").fill("3")
    page.get_by_role("textbox", name="Title", exact=True).fill(
        "Dual-task gait training after stroke"
    )
    page.get_by_role("combobox", name="Type of activity").select_option(label="Workshop")
    page.get_by_role("textbox", name="Provider (optional)").fill("Neuro Fitness Academy")
    page.get_by_role("checkbox", name=re.compile("^Endorsed CPD")).check()
    page.get_by_role("group", name="Condition areas it relates to").get_by_role(
        "checkbox", name="Stroke"
    ).check()
    page.get_by_role("textbox", name="What I did").fill(
        "A half-day practical workshop on dual-task walking."
    )
    page.get_by_role("textbox", name="What I learnt").fill(reflection_learnt)
    page.get_by_role("textbox", name="How it benefits my clients").fill(
        "Walking practice closer to daily life, progressed safely."
    )


def test_trainer_logs_cpd_with_evidence_on_a_phone_and_sees_the_points_move(page, trainer):
    login_via_form(page, trainer.email, factories.PASSWORD)
    open_from_menu(page, "CPD")

    assert page.get_by_role("heading", level=1).inner_text() == "CPD log"
    glance = page.get_by_role("region", name="This CPD year so far")
    assert points_bar(page).get_attribute("value") == "0"
    assert glance.get_by_text("0 of 10 points").is_visible()
    shoot(page, "01-cpd-empty")

    go(page, page.get_by_role("link", name="Log an activity").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a CPD activity")
    fill_cpd_form(page, reflection_learnt="How to add a cognitive task to walking safely.")
    certificate = real_pdf("Certificate of attendance")
    page.get_by_label("Add evidence (optional)").set_input_files(
        pdf_payload("Attendance certificate.pdf", certificate)
    )
    assert unlabelled_controls(page) == []
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shoot(page, "02-cpd-form-filled")
    go(page, page.get_by_role("button", name="Save activity"))

    status = page.get_by_role("status")
    assert "is in your CPD log" in status.inner_text()
    assert "3 of 10 points" in status.inner_text()
    assert points_bar(page).get_attribute("value") == "3"
    assert glance.get_by_text("3 of 10 points").is_visible()
    assert page.get_by_text("1 evidence file").is_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    shoot(page, "03-cpd-logged")

    go(page, page.get_by_role("link", name="Dual-task gait training after stroke"))
    evidence = page.get_by_role("region", name="Evidence")
    link = evidence.get_by_role("link", name="Attendance certificate.pdf")
    assert link.is_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Attendance_certificate.pdf"
    assert Path(download.value.path()).read_bytes() == certificate
    shoot(page, "04-cpd-detail")
    assert page.console_errors == []


def test_cpd_form_names_every_mistake_and_keeps_what_was_typed(page, trainer):
    from qualifications.models import CPDActivity
    from trainers.models import EvidenceFile

    login_via_form(page, trainer.email, factories.PASSWORD)
    open_from_menu(page, "CPD")
    go(page, page.get_by_role("link", name="Log an activity").first)
    fill_cpd_form(page, reflection_learnt="")
    page.get_by_label("Add evidence (optional)").set_input_files(
        pdf_payload("certificate.pdf", HTML_PAGE)
    )
    go(page, page.get_by_role("button", name="Save activity"))

    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading").inner_text() == "There are problems with what you entered"
    assert summary.get_by_role("link", name=re.compile("What I learnt")).is_visible()
    assert summary.get_by_role("link", name=re.compile("“certificate.pdf” is not a")).is_visible()
    # The summary takes focus, so a screen reader announces it.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    shoot(page, "05-cpd-errors")
    # Nothing is lost...
    assert page.get_by_role("textbox", name="Title", exact=True).input_value() == (
        "Dual-task gait training after stroke"
    )
    assert page.get_by_role("spinbutton", name="Hours").input_value() == "3"
    assert (
        page.get_by_role("textbox", name="Date", exact=True).input_value()
        == timezone.localdate().isoformat()
    )
    assert (
        page.get_by_role("textbox", name="Provider (optional)").input_value()
        == "Neuro Fitness Academy"
    )
    assert page.get_by_role("combobox", name="Type of activity").input_value() == "workshop"
    assert page.get_by_role("checkbox", name=re.compile("^Endorsed CPD")).is_checked()
    areas = page.get_by_role("group", name="Condition areas it relates to")
    assert areas.get_by_role("checkbox", name="Stroke").is_checked()
    assert not areas.get_by_role("checkbox", name="Parkinson's").is_checked()
    assert (
        page.get_by_role("textbox", name="What I did")
        .input_value()
        .startswith("A half-day practical")
    )
    assert (
        page.get_by_role("textbox", name="How it benefits my clients")
        .input_value()
        .startswith("Walking")
    )
    # ...and nothing is half-saved.
    assert not CPDActivity.objects.exists()
    assert not EvidenceFile.objects.exists()

    # The error link takes the trainer to the empty field.
    summary.get_by_role("link", name=re.compile("What I learnt")).click()
    assert page.evaluate("document.activeElement.name") == "what_i_learnt"
    page.get_by_role("textbox", name="What I learnt").fill(
        "How to add a cognitive task to walking safely."
    )
    page.get_by_label("Add evidence (optional)").set_input_files(
        pdf_payload("certificate.pdf", real_pdf("Certificate"))
    )
    go(page, page.get_by_role("button", name="Save activity"))

    assert "is in your CPD log" in page.get_by_role("status").inner_text()
    assert points_bar(page).get_attribute("value") == "3"
    activity = CPDActivity.objects.get()
    assert activity.what_i_learnt == "How to add a cognitive task to walking safely."
    assert [e.original_name for e in activity.evidence.all()] == ["certificate.pdf"]
    shoot(page, "06-cpd-fixed")
    assert page.console_errors == []


def test_staff_verify_a_qualification_from_the_queue_and_the_trainer_sees_it_verified(
    page, browser, live_server, trainer, staff_user
):
    # The trainer records a qualification with its certificate.
    login_via_form(page, trainer.email, factories.PASSWORD)
    open_from_menu(page, "My records")
    go(page, page.get_by_role("link", name="Add a qualification"))
    page.get_by_role("combobox", name="Qualification").select_option(
        label="Level 3 Certificate in Personal Training"
    )
    page.get_by_role("combobox", name="Awarding body").select_option(label="Active IQ")
    page.get_by_role("textbox", name="Certificate number").fill("AIQ-004217")
    page.get_by_role("textbox", name="Date awarded").fill("2024-06-14")
    certificate = real_pdf("Level 3 Certificate in Personal Training")
    page.get_by_label("Evidence files").set_input_files(
        pdf_payload("L3 PT certificate.pdf", certificate)
    )
    shoot(page, "07-qualification-form")
    go(page, page.get_by_role("button", name="Save", exact=True))

    assert "Programme staff will verify it" in page.get_by_role("status").inner_text()
    assert page.get_by_text("Pending verification").first.is_visible()
    shoot(page, "08-qualification-pending")
    sign_out(page)

    # Programme staff, in their own browser, verify it from the queue.
    staff = new_phone_page(browser, live_server)
    try:
        with_totp(staff_user)
        login_via_form(staff, staff_user.email, factories.PASSWORD, totp_user=staff_user)
        open_from_menu(staff, "Verification")
        assert staff.get_by_role("heading", level=1).inner_text() == "Verification queue"
        row = staff.get_by_role("row").filter(has_text="Tara Journey")
        assert row.get_by_role("link", name="L3 PT certificate.pdf").is_visible()
        shoot(staff, "09-staff-queue")
        go(staff, row.get_by_role("link", name=re.compile("^Review")))

        evidence = staff.get_by_role("region", name="Evidence")
        with staff.expect_download() as download:
            evidence.get_by_role("link", name="L3 PT certificate.pdf").click()
        assert Path(download.value.path()).read_bytes() == certificate
        verify = staff.get_by_role("region", name="Verify")
        verify.get_by_role("radio", name="Awarding-body register").check()
        verify.get_by_role("textbox", name="Note").fill("Matches the Active IQ register entry.")
        assert verify.get_by_role("textbox", name="Date of the check").input_value() == (
            timezone.localdate().isoformat()
        )
        assert unlabelled_controls(staff) == []
        shoot(staff, "10-staff-review")
        go(staff, verify.get_by_role("button", name="Verify"))

        assert "verified" in staff.get_by_role("status").inner_text()
        assert staff.get_by_text("Nothing is waiting for verification.").is_visible()
        assert staff.evaluate(NO_HORIZONTAL_SCROLL)
        shoot(staff, "11-staff-verified")
        assert staff.console_errors == []
    finally:
        staff.context.close()

    # The trainer signs in again and sees the outcome.
    login_via_form(page, trainer.email, factories.PASSWORD)
    open_from_menu(page, "My records")
    row = page.get_by_role("row").filter(has_text="Level 3 Certificate in Personal Training")
    assert row.get_by_text("Verified", exact=True).is_visible()
    shoot(page, "12-trainer-sees-verified")
    go(page, row.get_by_role("link", name="Level 3 Certificate in Personal Training"))
    decision = page.get_by_text(re.compile(r"^Verified by .+ \(awarding-body register\)\.$"))
    expect(decision).to_be_visible()
    assert page.console_errors == []


def test_cpd_form_says_when_a_chosen_file_must_be_chosen_again(page, trainer):
    force_login(page, trainer)
    page.goto("/qualifications/cpd/add/")
    fill_cpd_form(page, reflection_learnt="")
    page.get_by_label("Add evidence (optional)").set_input_files(
        pdf_payload("certificate.pdf", real_pdf("Certificate"))
    )
    go(page, page.get_by_role("button", name="Save activity"))

    assert page.get_by_role("alert").is_visible()
    assert page.get_by_text(re.compile("choose (it|them|the files?) again", re.I)).count() >= 1
