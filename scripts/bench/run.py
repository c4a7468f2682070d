"""`make bench`: the load benchmark of issue 6 against a generated programme.

1. Makes sure the benchmark database (BENCH_DATABASE_URL) exists, is migrated and holds a
   programme of BENCH_TRAINERS trainers (`manage.py generate_programme`; generated once and
   reused, BENCH_REGENERATE=1 to make it again).
2. Starts gunicorn with the project's gunicorn.conf.py on the loopback, with production
   settings (DEBUG off, Redis, HTTPS enforced: requests say they came through a TLS proxy).
3. Signs the personas in through the real login form (staff with their authenticator code).
4. For every page: checks that it answers 200, times a few requests alone, counts its queries
   (Django's test client in this process, same database), then runs wrk at BENCH_CONNECTIONS
   connections for BENCH_SECONDS seconds; the bare view (/livez) runs in the same run.
5. Times the bench clinic's roster computation on its own (`manage.py time_roster`: the
   eligibility of its 1,000 shared trainers, median of 5) before the load, server idle.
6. Writes the table to BENCH_OUTPUT (default docs/PERFORMANCE.md) between its markers,
   keeping the analysis written around them.

Fails when the harness breaks (a page that does not answer 200, wrk failing, 5xx under
load), not when a target is missed: the table says that.
"""

import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from common import free_port, machine_facts, signing_key  # scripts/bench/, beside this script
from pages import Page, pages, url_kwargs

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
LUA = Path(__file__).with_name("report.lua")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

# Targets of issue 6, at 10 concurrent users; issue 8's for the roster's computation.
P95_TARGET_MS = 100.0
RATIO_TARGET = 0.1
ROSTER_TARGET_MS = 300.0
# The API's per-token rate limit, raised for the load (wrk sends thousands a minute from one
# token); the limit itself is tested in tests/programme, not measured here.
BENCH_API_RATE_LIMIT = "1000000"
# The verification page's per-address limit, raised likewise (wrk comes from one address).
BENCH_VERIFY_RATE_LIMIT = "100000000"
# Issue 11: the public verification page, the product's fastest, against the bare view.
VERIFY_PAGE = "certificate verification"
VERIFY_RATIO_TARGET = 0.5


@dataclass
class Config:
    trainers: int
    seconds: int
    connections: int
    database_url: str
    redis_url: str
    output: Path
    regenerate: bool
    port: int
    workers: str
    threads: str

    @classmethod
    def from_env(cls) -> "Config":
        env = os.environ
        return cls(
            trainers=int(env.get("BENCH_TRAINERS", "10000")),
            seconds=int(env.get("BENCH_SECONDS", "10")),
            connections=int(env.get("BENCH_CONNECTIONS", "10")),
            database_url=env.get(
                "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rehabpath_benchdata"
            ),
            redis_url=env.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
            output=Path(env.get("BENCH_OUTPUT", str(ROOT / "docs" / "PERFORMANCE.md"))),
            regenerate=env.get("BENCH_REGENERATE", "") in {"1", "true", "yes"},
            port=int(env.get("BENCH_PORT", "0")) or free_port(),
            workers=env.get("WEB_CONCURRENCY", "2"),
            threads=env.get("WEB_THREADS", "2"),
        )


@dataclass
class Result:
    page: Page
    url: str
    alone_ms: float = 0.0
    queries: int = 0
    wrk: dict[str, Any] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return float(self.wrk["requests"]) / (float(self.wrk["duration_us"]) / 1e6)

    def latency(self, key: str) -> float:
        return float(self.wrk["latency_ms"][key])


class HarnessError(Exception):
    pass


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


# --- the server's environment (this process uses it too, for Django) ---------------------
def server_env(config: Config) -> dict[str, str]:
    return {
        **os.environ,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CREDENTIAL_SIGNING_KEY": signing_key(),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "MAIL_URL": "console://",
        "DATABASE_URL": config.database_url,
        "REDIS_URL": config.redis_url,
        "BIND": f"127.0.0.1:{config.port}",
        "WEB_CONCURRENCY": config.workers,
        "WEB_THREADS": config.threads,
        "API_RATE_LIMIT_PER_MINUTE": BENCH_API_RATE_LIMIT,
        "VERIFY_RATE_LIMIT_PER_MINUTE": BENCH_VERIFY_RATE_LIMIT,
        "DJANGO_SETTINGS_MODULE": "rehabpath.settings",
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- data ----------------------------------------------------------------------------------
def ensure_database(config: Config) -> None:
    import psycopg

    name = urllib.parse.urlsplit(config.database_url).path.lstrip("/")
    admin_url = urllib.parse.urlunsplit(
        urllib.parse.urlsplit(config.database_url)._replace(path="/postgres")
    )
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_programme(config: Config) -> dict[str, int]:
    from django.core.management import call_command

    from mentorship.models import SupervisedSession
    from programme.models import Certificate
    from trainers.models import ClinicShare, TrainerProfile

    call_command("migrate", "--noinput", verbosity=0)
    have = TrainerProfile.objects.count()
    if have and not SupervisedSession.objects.exists():
        # Made before the generator wrote mentoring (issue 7): the new pages would be empty.
        say("the benchmark database has no supervised sessions: generating it again")
        config.regenerate = True
    if have and not ClinicShare.objects.exists():
        # Made before the generator wrote the clinics' rosters (issue 8).
        say("the benchmark database has no clinic rosters: generating it again")
        config.regenerate = True
    if have and not config.regenerate and not Certificate.objects.exists():
        # Made before the generator wrote certificates (issue 11): add them alone, in seconds.
        add_certificates()
    if have and have != config.trainers and not config.regenerate:
        raise HarnessError(
            f"the benchmark database holds {have:,} trainers, not BENCH_TRAINERS="
            f"{config.trainers:,}: point BENCH_DATABASE_URL elsewhere or set BENCH_REGENERATE=1"
        )
    if not have or config.regenerate:
        say(f"generating {config.trainers:,} trainers")
        started = time.perf_counter()
        call_command("generate_programme", trainers=config.trainers, force=bool(have))
        say(f"generated in {time.perf_counter() - started:.0f} s")
    else:
        say(f"reusing the programme of {have:,} trainers in the benchmark database")
    return data_sizes()


def add_certificates() -> None:
    import random

    from programme.generate import PERSONAS
    from programme.generate_certificates import write_certificates
    from rehabpath.models import User

    staff = User.objects.get(email=PERSONAS["staff"])
    started = time.perf_counter()
    written = write_certificates(
        rng=random.Random(1),  # noqa: S311 - made-up data
        staff_id=staff.pk,
        staff_name=staff.name,
    )
    say(f"added {written:,} certificates in {time.perf_counter() - started:.1f} s")


def data_sizes() -> dict[str, int]:
    from django.db import connection

    queries = {
        "trainers": "SELECT count(*) FROM trainers_trainerprofile",
        "CPD activities": "SELECT count(*) FROM qualifications_cpdactivity",
        "qualifications": "SELECT count(*) FROM qualifications_trainerqualification",
        "insurance policies": "SELECT count(*) FROM trainers_insurance",
        "DBS checks": "SELECT count(*) FROM trainers_dbscheck",
        "records pending verification": (
            "SELECT (SELECT count(*) FROM qualifications_trainerqualification"
            " WHERE status = 'pending') + (SELECT count(*) FROM trainers_insurance"
            " WHERE status = 'pending') + (SELECT count(*) FROM trainers_dbscheck"
            " WHERE status = 'pending')"
        ),
        "audit events": "SELECT count(*) FROM rehabpath_auditevent",
        "mentors": "SELECT count(*) FROM mentorship_mentorprofile",
        "open mentor assignments": (
            "SELECT count(*) FROM mentorship_mentorassignment WHERE ended_at IS NULL"
        ),
        "supervised sessions": "SELECT count(*) FROM mentorship_supervisedsession",
        "sessions waiting for sign-off": (
            "SELECT count(*) FROM mentorship_supervisedsession WHERE status = 'submitted'"
        ),
        "accounts": "SELECT count(*) FROM rehabpath_user",
        "open clinic shares": "SELECT count(*) FROM trainers_clinicshare WHERE ended_at IS NULL",
        "scope declarations": "SELECT count(*) FROM mentorship_scopedeclaration",
        "certificates": "SELECT count(*) FROM programme_certificate",
    }
    sizes = {}
    with connection.cursor() as cursor:
        for label, sql in queries.items():
            cursor.execute(sql)
            sizes[label] = int(cursor.fetchone()[0])
    return sizes


# --- HTTP ----------------------------------------------------------------------------------
class Browser:
    """A minimal client for the running server: cookies, CSRF, as if behind a TLS proxy."""

    def __init__(self, port: int, extra: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.extra = extra or {}

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def headers(self) -> dict[str, str]:
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", **self.extra}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = self.headers()
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    for morsel in SimpleCookie(value).values():
                        self.cookies[morsel.key] = morsel.value
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str]]:
        status, _headers, page = self.request("GET", path)
        if status != 200:
            raise HarnessError(f"GET {path} answered {status}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise HarnessError(f"{path} has no CSRF token")
        status, headers, _page = self.request(
            "POST", path, {"csrfmiddlewaretoken": token.group(1), **fields}
        )
        return status, headers


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))


def sign_in(port: int, email: str, password: str, totp_secret: str | None) -> str:
    """Sign in through the login form (and the second-factor form); the session cookie."""
    from django.urls import reverse

    browser = Browser(port)
    status, headers = browser.post_form(
        reverse("account_login"), {"login": email, "password": password}
    )
    location = headers.get("Location", "")
    if status == 302 and location.startswith(reverse("mfa_authenticate")):
        if totp_secret is None:
            raise HarnessError(f"{email} was asked for a second factor")
        status, headers = browser.post_form(location, {"code": totp_code(totp_secret)})
        location = headers.get("Location", "")
    if status != 302 or location != reverse("home"):
        raise HarnessError(f"signing in as {email} answered {status} to {location!r}")
    return browser.cookies["sessionid"]


def wait_for(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise HarnessError("gunicorn exited while starting; see its log above")
        try:
            status, _h, _b = Browser(port).request("GET", "/livez")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise HarnessError("gunicorn did not answer within a minute")


# --- one page ------------------------------------------------------------------------------
def path_exists(port: int, page: Page) -> bool:
    status, _headers, _body = Browser(port, auth_headers(page)).request("GET", page.path)
    return status != 404


def auth_headers(page: Page) -> dict[str, str]:
    if not page.token:
        return {}
    from programme.generate_clinics import PERSONA_API_TOKEN

    return {"Authorization": f"Bearer {PERSONA_API_TOKEN}"}


def count_queries(url: str, session: str | None, headers: dict[str, str]) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **headers})
    if session:
        client.cookies["sessionid"] = session
    client.get(url)  # this process's caches warm (content types), as the server's are
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise HarnessError(f"{url} answered {response.status_code} to the test client")
    connection.close()
    return len(captured)


def measure(page: Page, url: str, session: str | None, config: Config) -> Result:
    result = Result(page, url)
    headers = auth_headers(page)
    browser = Browser(config.port, headers)
    if session:
        browser.cookies["sessionid"] = session
    times = []
    for _ in range(5):
        started = time.perf_counter()
        status, answered, _body = browser.request("GET", url)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            where = answered.get("Location", "")
            raise HarnessError(f"{page.name}: GET {url} answered {status} {where}".strip())
    result.alone_ms = statistics.median(times[1:])
    result.queries = count_queries(url, session, headers)
    command = [
        "wrk",
        "--threads",
        str(min(2, config.connections)),
        "--connections",
        str(config.connections),
        "--duration",
        f"{config.seconds}s",
        "--timeout",
        "30s",  # gunicorn's own timeout
        "--script",
        str(LUA),
        "--header",
        "X-Forwarded-Proto: https",
    ]
    if session:
        command += ["--header", f"Cookie: sessionid={session}"]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{config.port}{url}")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise HarnessError(f"wrk failed on {url}: {done.stderr or done.stdout}")
    result.wrk = json.loads(line.removeprefix("BENCH_JSON "))
    if result.wrk["requests"] == 0:
        raise HarnessError(f"wrk made no request to {url}")
    if result.wrk["errors"]["status"]:
        raise HarnessError(f"{page.name}: {result.wrk['errors']['status']} non-2xx/3xx answers")
    return result


# --- the report ----------------------------------------------------------------------------
def machine() -> dict[str, str]:
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return {
        **machine_facts(),
        "OS": platform.platform(),
        "wrk": (wrk.stdout or wrk.stderr).split("\n")[0].split(" [")[0],
    }


def time_roster() -> dict[str, Any] | None:
    """The bench clinic's roster computed alone (manage.py time_roster); None before issue 8's
    evaluator is on main."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    try:
        call_command("time_roster", "--json", "--runs", "5", stdout=out)
    except Exception as error:  # noqa: BLE001 - the report says why it is missing
        say(f"roster timing skipped: {error}")
        return None
    line = next(x for x in out.getvalue().splitlines() if x.startswith("TIME_ROSTER "))
    return dict(json.loads(line.removeprefix("TIME_ROSTER ")))


def compliance_snapshot() -> float | None:
    """Compute the compliance dashboard's snapshot as the worker does (every trainer, in
    chunks); its seconds. The dashboard then reads it, as in production."""
    try:
        from programme.compliance.snapshot import snapshot_refresh
    except ImportError:
        return None
    started = time.perf_counter()
    snapshot_refresh()
    return time.perf_counter() - started


def roster_line(roster: dict[str, Any] | None) -> str:
    if roster is None:
        return "- Roster computation: not measured (no `manage.py time_roster` yet)."
    met = "yes" if roster["median_ms"] < ROSTER_TARGET_MS else "**no**"
    return (
        f"- Roster computation (`manage.py time_roster`, server idle): `eligibility_for` over "
        f"the bench clinic's {roster['trainers']:,} shared trainers in every condition area, "
        f"median {roster['median_ms']:,.0f} ms of {roster['runs']} runs (min "
        f"{roster['min_ms']:,.0f}, max {roster['max_ms']:,.0f}): loading the facts "
        f"{roster['load_ms']:,.0f} ms in {roster['queries']} queries, evaluating and deciding "
        f"{roster['evaluate_ms']:,.0f} ms; target under {ROSTER_TARGET_MS:.0f} ms met? {met}. "
        f"Answers: " + ", ".join(f"{v:,} {k}" for k, v in sorted(roster["answers"].items())) + "."
    )


def conn_max_age() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"].get("CONN_MAX_AGE"))


def verdict(result: Result, bare_rps: float) -> str:
    misses = []
    if result.latency("p95") >= P95_TARGET_MS:
        misses.append("p95")
    ratio = VERIFY_RATIO_TARGET if result.page.name == VERIFY_PAGE else RATIO_TARGET
    if result.rps < ratio * bare_rps:
        misses.append("throughput")
    return "yes" if not misses else "**no** (" + ", ".join(misses) + ")"


def table(results: list[Result], skipped: list[Page]) -> str:
    bare = results[0].rps
    lines = [
        "| page | req/s | p50 ms | p95 ms | p99 ms | ratio to bare | alone ms | queries "
        "| target met? |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        is_bare = r is results[0]
        lines.append(
            f"| {r.page.name} (`{r.url}`) | {r.rps:,.1f} | {r.latency('p50'):.1f} "
            f"| {r.latency('p95'):.1f} | {r.latency('p99'):.1f} "
            f"| {'1' if is_bare else f'{r.rps / bare:.3f}'} | {r.alone_ms:.1f} | {r.queries} "
            f"| {'(the ceiling)' if is_bare else verdict(r, bare)} |"
        )
    for page in skipped:
        lines.append(
            f"| {page.name} | not on main yet (`{page.url_name or page.path}`) | | | | | | | |"
        )
    return "\n".join(lines)


def render(
    results: list[Result],
    skipped: list[Page],
    config: Config,
    sizes: dict[str, int],
    facts: dict[str, str],
    load: tuple[tuple[float, ...], tuple[float, ...]],
    started: dt.datetime,
    roster: dict[str, Any] | None = None,
    snapshot_seconds: float | None = None,
) -> str:
    size_list = ", ".join(f"{v:,} {k}" for k, v in sizes.items())
    facts_list = "; ".join(f"{k}: {v}" for k, v in facts.items())
    before, after = (", ".join(f"{x:.2f}" for x in avg) for avg in load)
    return "\n".join(
        [
            START,
            f"Run of {started:%Y-%m-%d %H:%M} UTC, written by `make bench` (scripts/bench/run.py).",
            "",
            f"- Machine: {facts_list}.",
            f"- Load average before / after the run: {before} / {after} (the machine is shared).",
            f"- Data: {size_list}.",
            f"- Server: gunicorn with gunicorn.conf.py, {config.workers} workers x "
            f"{config.threads} threads, DEBUG off, PostgreSQL and Redis on the loopback, "
            f"CONN_MAX_AGE={conn_max_age()}; requests carry "
            "`X-Forwarded-Proto: https` as from the TLS proxy (HTTPS is enforced).",
            f"- Load: wrk, {config.connections} connections, {config.seconds} s a page, one "
            "page after the other in one run; signed in as the personas of "
            "`generate_programme` (a trainer with 100 CPD activities, programme staff, a "
            "mentor with 4 mentees and 10 sessions waiting; the mentee page shows the trainer; "
            "the bench clinic's admin for its roster of 1,000; the API roster with the bench "
            "clinic's token, its rate limit raised to "
            f"{int(BENCH_API_RATE_LIMIT):,} a minute for the load).",
            "- `alone ms`: the median of 4 requests one at a time before the load; `queries`: "
            "the SQL queries of one request (middleware included).",
            f"- Targets: p95 under {P95_TARGET_MS:.0f} ms and at least {RATIO_TARGET}x the "
            "bare view's requests per second; the public certificate verification page "
            f"(anonymous, its rate limit raised for the load) at least {VERIFY_RATIO_TARGET}x.",
            roster_line(roster),
            "- Compliance snapshot (`programme.compliance.snapshot.snapshot_refresh`, as the "
            "worker runs it every 15 minutes, before the load): "
            + (
                f"every trainer evaluated in chunks of 1,000 in {snapshot_seconds:.1f} s."
                if snapshot_seconds is not None
                else "not measured."
            ),
            "",
            table(results, skipped),
            END,
        ]
    )


def write_report(path: Path, section: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and START in (text := path.read_text()) and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        path.write_text(head + section + tail)
        return
    path.write_text(
        "# Performance\n\n"
        "Measured by `make bench` against data made by `manage.py generate_programme`. "
        "The section between the markers is rewritten by every run.\n\n" + section + "\n"
    )


# --- main ----------------------------------------------------------------------------------
def main() -> int:
    if shutil.which("wrk") is None:
        print("bench: wrk is missing: WITH_BENCH_TOOLS=1 bash scripts/system-packages.sh")
        return 1
    config = Config.from_env()
    env = server_env(config)
    setup_django(env)
    started = dt.datetime.now(dt.UTC)
    ensure_database(config)
    sizes = ensure_programme(config)

    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from programme.generate import PERSONA_PASSWORD, PERSONA_TOTP_SECRET, PERSONAS

    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    say(f"gunicorn on 127.0.0.1:{config.port} ({config.workers}x{config.threads}), log {log.name}")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "rehabpath.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results: list[Result] = []
    skipped: list[Page] = []
    roster: dict[str, Any] | None = None
    snapshot_seconds: float | None = None
    try:
        wait_for(config.port, server)
        sessions: dict[str, str] = {}
        for persona in ("trainer", "staff", "mentor", "clinic"):
            secret = None if persona == "trainer" else PERSONA_TOTP_SECRET
            sessions[persona] = sign_in(config.port, PERSONAS[persona], PERSONA_PASSWORD, secret)
        roster = time_roster()
        if roster is not None:
            say(roster_line(roster).removeprefix("- "))
        snapshot_seconds = compliance_snapshot()
        if snapshot_seconds is not None:
            say(f"compliance snapshot of {sizes['trainers']:,} trainers: {snapshot_seconds:.1f} s")
        load_before = os.getloadavg()
        only = [name for name in os.environ.get("BENCH_ONLY", "").split(",") if name]
        for page in pages(timezone.localdate()):
            if only and page.name != "bare view (/livez)" and page.name not in only:
                continue  # BENCH_ONLY: these pages beside the bare view, for a quick look
            try:
                url = page.path or reverse(page.url_name, kwargs=url_kwargs(page.kwargs))
            except LookupError as error:  # the data a page needs is missing
                raise HarnessError(str(error)) from error
            except NoReverseMatch:
                if not page.optional:
                    raise
                skipped.append(page)
                say(f"{page.name}: not on main yet, skipped")
                continue
            if page.path and page.optional and not path_exists(config.port, page):
                skipped.append(page)
                say(f"{page.name}: not on main yet, skipped")
                continue
            url += f"?{page.query}" if page.query else ""
            result = measure(page, url, sessions.get(page.persona or ""), config)
            results.append(result)
            say(
                f"{page.name:<28} {result.rps:9.1f} req/s  p50 {result.latency('p50'):7.1f}  "
                f"p95 {result.latency('p95'):7.1f}  p99 {result.latency('p99'):7.1f} ms  "
                f"alone {result.alone_ms:6.1f} ms  {result.queries} queries"
            )
        load_after = os.getloadavg()
    except HarnessError as error:
        print(f"bench: FAILED: {error}", file=sys.stderr)
        print(Path(log.name).read_text()[-3000:], file=sys.stderr)
        return 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    section = render(
        results,
        skipped,
        config,
        sizes,
        machine(),
        (load_before, load_after),
        started,
        roster,
        snapshot_seconds,
    )
    write_report(config.output, section)
    say(f"wrote {config.output}")
    print(table(results, skipped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
