"""The certificate PDF: what it prints, on one page, PDF/A-3b with the signed credential
attached, fonts embedded, a QR code that scans to the verification page, and a URL fetcher
that serves the project's static files and nothing else."""

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from programme.certificates import links
from programme.certificates.credential import credential_bytes
from programme.certificates.pdf import (
    STATIC_BASE,
    RefusedURL,
    _fetcher_class,
    certificate_pdf_filename,
    render_certificate_pdf,
    static_file_for,
    static_files_fetcher,
)
from programme.certificates.qr import qr_svg
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

ACCENTED = "Zoë Ó Súilleabháin-Łukasiewicz Nguyễn"


def poppler(tool: str, *args: str) -> str:
    """Run a poppler-utils tool (scripts/system-packages.sh installs them) on our own files."""
    executable = shutil.which(tool)
    assert executable, f"{tool} is missing: run scripts/system-packages.sh"
    done = subprocess.run([executable, *args], check=True, capture_output=True, text=True)  # noqa: S603
    return done.stdout


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return poppler("pdftotext", "-enc", "UTF-8", str(path), "-")


def flat(text: str) -> str:
    """pdftotext's lines joined: a wrapped line reads as one."""
    return re.sub(r"\s+", " ", text)


def resolved(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


@pytest.fixture
def certificate():
    return CertificateFactory(
        trainer_name=ACCENTED,
        area_name="Stroke rehabilitation",
        scope_title="Exercise after stroke in the community",
        scope_version=3,
        issuer_name="RehabPath Neurological Exercise Programme",
        issued_by_name="Helen Okafor",
        issued_on=dt.date(2026, 12, 2),
        expires_on=dt.date(2029, 12, 1),
    )


def test_the_pdf_prints_the_name_area_scope_dates_issuer_and_code(certificate, tmp_path):
    pdf = render_certificate_pdf(certificate)

    text = flat(pdf_text(pdf, tmp_path))
    assert ACCENTED in text
    assert "Stroke rehabilitation" in text
    assert "Exercise after stroke in the community" in text
    assert "(version 3)" in text
    assert "2 December 2026" in text
    assert "1 December 2029" in text
    assert "for RehabPath Neurological Exercise Programme" in text
    assert "Helen Okafor" in text
    assert certificate.code in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1


@pytest.mark.parametrize(
    "name",
    [
        ("Maximiliana Anastasia Wilhelmina " * 5)[:150].strip(),
        "Ł" * 150,  # no place to break: it must still wrap inside the page
    ],
)
def test_a_name_of_the_longest_length_stays_on_one_page(name, tmp_path):
    certificate = CertificateFactory(
        trainer_name=name, area_name="A" * 100, scope_title="Scope " * 33, issuer_name="I" * 200
    )

    pdf = render_certificate_pdf(certificate)

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    # Wrapped over lines (and, without spaces, anywhere): compare without the white space.
    assert re.sub(r"\s", "", name) in re.sub(r"\s", "", pdf_text(pdf, tmp_path))


def test_every_font_is_embedded(certificate):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(certificate)))

    fonts = resolved(reader.pages[0]["/Resources"])["/Font"]
    assert fonts
    for ref in fonts.values():
        font = resolved(ref)
        descriptors = (
            [resolved(d)["/FontDescriptor"] for d in resolved(font["/DescendantFonts"])]
            if "/DescendantFonts" in font
            else [font["/FontDescriptor"]]
        )
        for descriptor in map(resolved, descriptors):
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


def test_the_pdf_is_pdf_a_3b_with_an_srgb_output_intent(certificate):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(certificate)))

    xmp = resolved(reader.trailer["/Root"]["/Metadata"]).get_data().decode()
    assert re.search(r'pdfaid:part="3"|<pdfaid:part>3</pdfaid:part>', xmp)
    assert re.search(r'pdfaid:conformance="B"|<pdfaid:conformance>B</pdfaid:conformance>', xmp)
    (intent,) = [resolved(i) for i in reader.trailer["/Root"]["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1"
    profile = resolved(intent["/DestOutputProfile"]).get_data()
    assert profile[36:40] == b"acsp"  # an ICC profile's signature


def test_the_signed_credential_is_attached_as_an_associated_file(certificate):
    reader = PdfReader(io.BytesIO(render_certificate_pdf(certificate)))

    assert reader.attachments == {"credential.json": [credential_bytes(certificate)]}
    # WeasyPrint lists the one file spec twice in /AF (from the names tree and the object).
    (reference,) = {f.idnum for f in reader.trailer["/Root"]["/AF"]}
    filespec = reader.get_object(reference)
    assert filespec["/F"] == "credential.json"
    assert filespec["/AFRelationship"] == "/Alternative"
    # The MIME type PDF/A-3 asks of an embedded file (pypdf decodes WeasyPrint's #2F).
    assert resolved(filespec["/EF"]["/F"])["/Subtype"] == "/application/json"


def test_the_qr_code_scans_to_the_verification_page(certificate, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate_pdf(certificate))
    poppler("pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page"))

    (barcode,) = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))

    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.text == links.verification_url(certificate.code)


def test_the_qr_code_is_printed_at_least_3_cm_wide_with_a_quiet_zone():
    svg = qr_svg("https://rehabpath.example/verify/7KQ2-M9XD-7KQ2-M9XD-7KQ2-M9XD-7KQ2/")

    assert not svg.startswith("<?xml")
    width = float(re.match(r'<svg width="([\d.]+)mm"', svg).group(1))
    assert width >= 30
    # The quiet zone: the drawn modules start 4 modules in (segno draws the first at y=4.5).
    assert re.search(r'd="M4 4\.5h', svg)


def test_a_hostile_name_prints_as_text_and_fetches_nothing(tmp_path):
    hostile = "<img src=file:///etc/passwd><link rel=stylesheet href=http://127.0.0.1:9/x.css>"
    certificate = CertificateFactory(trainer_name=hostile)
    fetcher = _fetcher_class()()  # its own: the shared one must not be left recording
    asked: list[str] = []
    fetch = fetcher.fetch

    def recording_fetch(url, headers=None):
        asked.append(url)
        return fetch(url, headers)

    fetcher.fetch = recording_fetch

    pdf = render_certificate_pdf(certificate, url_fetcher=fetcher)

    text = flat(pdf_text(pdf, tmp_path))
    # Printed as characters (the name wraps after "stylesheet", hence the three pieces).
    assert "<img src=file:///etc/passwd><link rel=stylesheet" in text
    assert "href=http://127.0.0.1:9/x.css>" in text
    # The logo is the one thing the certificate loads.
    assert asked == [STATIC_BASE + "img/logo.svg"]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/img/logo.svg",
        "data:image/svg+xml,<svg/>",
        "data:text/html;base64,PGgxPng8L2gxPg==",
        STATIC_BASE + "../rehabpath/settings.py",
        STATIC_BASE + "img/%2e%2e/%2e%2e/rehabpath/settings.py",
        STATIC_BASE + "img/logo.svg?x=1",
        STATIC_BASE + "img/no-such-file.svg",
        STATIC_BASE,
        "https://static.rehabpath.invalid.example.com/img/logo.svg",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    with pytest.raises(RefusedURL):
        static_file_for(url)
    with pytest.raises(RefusedURL):
        static_files_fetcher().fetch(url)


def test_the_fetcher_serves_a_static_file():
    response = static_files_fetcher().fetch(STATIC_BASE + "img/logo.svg")

    assert response.read().startswith(b"<svg")
    assert response.content_type == "image/svg+xml"


def test_the_file_name_is_ascii_whatever_the_name(certificate):
    assert certificate_pdf_filename(certificate) == (
        "certificate-stroke-rehabilitation-zoe-o-suilleabhain-ukasiewicz-nguyen-2026-12-02.pdf"
    )
