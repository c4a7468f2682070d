"""Issue 11's done-check, tried as a new user would, in Chromium at 1280 px:

1. a member of programme staff signs in (password and authenticator code), opens a recognised
   trainer's page, issues a certificate for the area; the worker (in-process here, after the
   request commits) renders the PDF;
2. the trainer, in their own browser, downloads the PDF from their certificates page;
3. the QR code printed in the PDF (pdftoppm to PNG, then decoded) is the verification URL;
   opened by someone who is not signed in, the page says valid, and the credential's entry in
   the published Bitstring Status List is clear;
4. staff revoke it with a reason; the public page then says revoked, with the reason (once the
   page the server keeps for half a minute has gone), and the entry is set.

Screenshots go to screenshots/certificate-*.png.
"""

import io
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from programme.certificates.public_views import PAGE_MAX_AGE_SECONDS
from rehabpath.celery import app as celery_app
from tests.browser.conftest import TIMEOUT_MS, VIEWPORTS
from tests.browser.helpers import login_via_form
from tests.browser.journey import go
from tests.factories import PASSWORD

SHOTS = Path(settings.BASE_DIR) / "screenshots"
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
REASON = "Issued before the trainer's insurance was verified."


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"certificate-{name}.png"), full_page=True)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), f"{name} scrolls sideways"


@pytest.fixture
def eager_worker():
    """Tasks run in the live server's thread when the request that queued them commits."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def site_url(settings, live_server):
    """Links, QR codes and the signed credential's ids name the live server, as SITE_URL
    names the real site."""
    settings.SITE_URL = live_server.url
    return live_server.url


def second_browser(browser, live_server):
    """Another person's browser: own cookies, same viewport and locale as `page`."""
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"],
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    other = context.new_page()
    other.live_server_url = live_server.url
    other.console_errors = []
    other.on("console", lambda m: other.console_errors.append(m.text) if m.type == "error" else 0)
    other.on("pageerror", lambda error: other.console_errors.append(str(error)))
    return other


def qr_url_in(pdf: Path, tmp_path: Path) -> str:
    """What a phone's camera reads from the certificate's page (poppler, then zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed to look at the PDF"
    subprocess.run(  # noqa: S603 - a fixed tool on a file this test wrote
        [pdftoppm, "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "page.png", SHOTS / "certificate-pdf.png")
    (barcode,) = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    return barcode.text


def status_bit_set(page, credential: dict) -> bool:
    """Whether the credential's BitstringStatusListEntry is set in the published list."""
    from programme.certificates.statuslist import bit, decode

    entry = credential["credentialStatus"]
    assert entry["statusPurpose"] == "revocation"
    listed = page.request.get(urlsplit(entry["statusListCredential"]).path)
    assert listed.ok
    encoded = listed.json()["credentialSubject"]["encodedList"]
    return bit(decode(encoded), int(entry["statusListIndex"]))


@pytest.mark.parametrize("page", ["desktop"], indirect=True)
def test_staff_issue_a_certificate_whose_qr_code_says_valid_until_they_revoke_it(
    page, browser, live_server, transactional_db, site_url, eager_worker, tmp_path
):
    from programme.models import Certificate
    from tests import factories
    from tests.pathway_builders import recognised_trainer, stroke

    today = timezone.localdate()
    trainer = recognised_trainer(stroke(), today=today, user__name="Siobhán O'Connor-Ängström")
    name = trainer.user.name
    staff = factories.UserFactory(is_staff=True, name="Sam Staff")
    factories.add_totp(staff)

    # 1. Staff sign in and issue the certificate from the trainer's page.
    login_via_form(page, staff.email, PASSWORD, totp_user=staff)
    page.goto(reverse("programme:trainer_detail", args=[trainer.public_id]))
    certificates = page.get_by_role("region", name="Certificates")
    expect(certificates).to_contain_text("Stroke")
    go(page, certificates.get_by_role("link", name="Issue certificate"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue a competency certificate")
    shot(page, "issue")
    go(page, page.get_by_role("button", name="Issue the certificate"))

    certificate = Certificate.objects.get(trainer=trainer)
    assert certificate.pdf, "the worker rendered the PDF when the issue committed"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Stroke: {name}")
    expect(page.get_by_text(certificate.code).first).to_be_visible()
    shot(page, "staff-detail")

    # 2. The trainer downloads it from their certificates page.
    mine = second_browser(browser, live_server)
    login_via_form(mine, trainer.user.email, PASSWORD)
    mine.goto(reverse("programme:my_certificates"))
    card = mine.get_by_role("region", name="Stroke")
    expect(card).to_contain_text(certificate.code)
    shot(mine, "trainer-list")
    with mine.expect_download() as download:
        card.get_by_role("link", name="Download the PDF").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Stroke" in " ".join(text.split())

    # 3. Its QR code leads anyone to the page that says valid.
    url = qr_url_in(pdf, tmp_path)
    assert url == f"{site_url}/verify/{certificate.code}/"
    public = second_browser(browser, live_server)
    public.goto(url)
    expect(public.locator("#status-heading .badge")).to_have_text("Valid")
    expect(public.get_by_role("heading", level=1)).to_have_text(name)
    expect(public.get_by_role("main")).to_contain_text("Stroke")
    shot(public, "verify-valid")
    credential = public.request.get(f"/verify/{certificate.code}.json").json()
    assert status_bit_set(public, credential) is False

    # 4. Staff revoke it with a reason: the page and the status list say so.
    page.reload()
    revoke = page.get_by_role("region", name="Revoke")
    revoke.get_by_label("Reason").fill(REASON)
    go(page, revoke.get_by_role("button", name="Revoke for good"))
    expect(page.get_by_role("main")).to_contain_text(REASON)
    shot(page, "staff-revoked")

    # Someone scanning it once the page kept for the current window has gone (the server keeps
    # a certificate's page for PAGE_MAX_AGE_SECONDS, so a revocation reads within that), in a
    # fresh browser (a browser may keep it as long).
    assert public.console_errors == []
    time.sleep(PAGE_MAX_AGE_SECONDS - time.time() % PAGE_MAX_AGE_SECONDS + 0.2)
    public = second_browser(browser, live_server)
    public.goto(url)
    expect(public.locator("#status-heading .badge")).to_have_text("Revoked")
    expect(public.get_by_role("main")).to_contain_text(REASON)
    shot(public, "verify-revoked")
    credential = public.request.get(f"/verify/{certificate.code}.json").json()
    assert status_bit_set(public, credential) is True

    for browser_page in (page, mine, public):
        assert browser_page.console_errors == []
