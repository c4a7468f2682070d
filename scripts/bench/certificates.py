"""`make bench`, third part: competency certificates (issue 11, item 7).

    .venv/bin/python scripts/bench/certificates.py      # `make bench` runs it after sweep.py

Part 1, the PDF: the median time of `render_certificate_pdf` for a realistic certificate
(accented name, a full scope title, a signed-size credential attached, PDF/A-3b) over
BENCH_CERT_RENDERS runs (default 20; CI's small run sets fewer), beside a minimal one-page
WeasyPrint document rendered in the same process, interleaved with it so that both see the
same machine; the ratio's target is at most 2x. The same certificate without PDF/A (no output
intent, no attachment) is timed too, to show what the archival format costs. One warm-up
render of each first: the first WeasyPrint render of a process loads fontconfig's cache.

Writes its section of BENCH_OUTPUT (default docs/PERFORMANCE.md) between its own markers.
Needs no database rows: the certificate is built in memory, as issuing builds it.
"""

import datetime as dt
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import machine_facts, signing_key  # scripts/bench/, beside this script

ROOT = Path(__file__).resolve().parents[2]
START, END = "<!-- bench-certificates-render:start -->", "<!-- bench-certificates-render:end -->"
TARGET_RATIO = 2.0
MINIMAL = "<!DOCTYPE html><html lang=en><title>Minimal</title><p>One line on one A4 page.</p>"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DEBUG": "false",
            "DEMO_MODE": "false",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
            "CREDENTIAL_SIGNING_KEY": os.environ.get("CREDENTIAL_SIGNING_KEY") or signing_key(),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "MAIL_URL": "console://",
            "DATABASE_URL": os.environ.get(
                "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rehabpath_benchdata"
            ),
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
            "DJANGO_SETTINGS_MODULE": "rehabpath.settings",
        }
    )
    import django

    django.setup()


def realistic_certificate() -> Any:
    from django.utils import timezone

    from programme.certificates.codes import new_code
    from programme.models import Certificate

    issued_on = dt.date(2026, 12, 2)
    # A credential of the size issuing signs (~3 KB of JSON-LD with its proof).
    credential = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "description": "x" * 2500,
        "proof": {"type": "DataIntegrityProof", "proofValue": "z" + "A" * 86},
    }
    return Certificate(
        code=new_code(),
        trainer_name="Zoë Ó Súilleabháin-Łukasiewicz",
        area_name="Stroke rehabilitation",
        scope_title=(
            "Exercise after stroke: assessment, programming and progression in the community"
        ),
        scope_version=3,
        issuer_name="RehabPath Neurological Exercise Programme",
        issued_by_name="Dr Helen Okafor",
        issued_at=timezone.now(),
        issued_on=issued_on,
        expires_on=issued_on + dt.timedelta(days=3 * 365 - 1),
        status_index=4242,
        credential=credential,
    )


def main() -> int:
    setup_django()
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from programme.certificates.pdf import (
        STATIC_BASE,
        certificate_html,
        certificate_stylesheet,
        render_certificate_pdf,
        static_files_fetcher,
    )

    runs = int(os.environ.get("BENCH_CERT_RENDERS", "20"))
    certificate = realistic_certificate()

    def minimal() -> bytes:
        pdf: bytes = HTML(
            string=MINIMAL, url_fetcher=URLFetcher(allowed_protocols={"data"})
        ).write_pdf()
        return pdf

    def plain() -> bytes:
        html = HTML(
            string=certificate_html(certificate),
            base_url=STATIC_BASE,
            url_fetcher=static_files_fetcher(),
        )
        pdf: bytes = html.write_pdf(stylesheets=[certificate_stylesheet()])
        return pdf

    def full() -> bytes:
        return render_certificate_pdf(certificate)

    timings: dict[str, list[float]] = {"minimal": [], "certificate": [], "plain": []}
    sizes: dict[str, int] = {}
    jobs = {"minimal": minimal, "certificate": full, "plain": plain}
    for name, job in jobs.items():  # warm-up: fontconfig, Pango, the template cache
        sizes[name] = len(job())
    for _ in range(runs):
        for name, job in jobs.items():
            started = time.perf_counter()
            job()
            timings[name].append(time.perf_counter() - started)
    median = {name: statistics.median(values) for name, values in timings.items()}
    ratio = median["certificate"] / median["minimal"]
    try:
        facts = machine_facts()
    except Exception:  # noqa: BLE001 - no database here: the section says less about the machine
        facts = {}
    machine = "; ".join(f"{key}: {value}" for key, value in facts.items()) or "not recorded"
    pdfa_ms = (median["certificate"] - median["plain"]) * 1000
    met = "yes" if ratio <= TARGET_RATIO else "**no**"
    section = "\n".join(
        [
            START,
            f"Run of {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, written by `make bench` "
            "(scripts/bench/certificates.py).",
            "",
            f"- Machine: {machine}.",
            f"- {runs} renders of each, interleaved, after one warm-up render of each.",
            "",
            "| document | median | min | max | size |",
            "|---|---:|---:|---:|---:|",
            *(
                f"| {label} | {median[key] * 1000:.0f} ms | {min(timings[key]) * 1000:.0f} ms | "
                f"{max(timings[key]) * 1000:.0f} ms | {sizes[key] / 1024:.0f} KiB |"
                for key, label in (
                    ("minimal", "minimal one-page WeasyPrint document"),
                    (
                        "certificate",
                        "certificate (`render_certificate_pdf`: PDF/A-3b, credential attached)",
                    ),
                    (
                        "plain",
                        "the same certificate as a plain PDF (no output intent, no attachment)",
                    ),
                )
            ),
            "",
            f"- **Certificate / minimal: {ratio:.2f}x** (target at most {TARGET_RATIO:g}x; "
            f"met? {met}). PDF/A-3b and the attachment cost {pdfa_ms:.0f} ms a render (the sRGB "
            "ICC profile is parsed and embedded each time).",
            END,
        ]
    )
    print(section)
    write_report(
        Path(os.environ.get("BENCH_OUTPUT", str(ROOT / "docs" / "PERFORMANCE.md"))), section
    )
    return 0


def write_report(path: Path, section: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text() if path.exists() else "# Performance\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Certificates (issue 11, item 7)\n\n" + section + "\n"
    path.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
