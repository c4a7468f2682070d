"""The deployment files agree with each other and with the settings.

Docker cannot run here, so these tests read docker-compose.yml, the Dockerfile, the Procfile,
.env.example and README.md as text and check the contracts between them: the compose stack
runs the Procfile's commands from one image, starts in a safe order, and every variable the
configuration reads is documented (and nothing documented is unread).
"""

import re
import runpy
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

# Read by docker-compose.yml for the containers it runs, not by the app.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}
# Read by a tool, documented in the README only: celery's CLI reads CELERY_WORKER_POOL as --pool.
TOOL_ONLY = {"CELERY_WORKER_POOL"}
APP_SERVICES = ("web", "worker", "beat")


def _read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(_read("docker-compose.yml"))


@pytest.fixture(scope="module")
def procfile() -> dict[str, str]:
    entries = {}
    for line in _read("Procfile").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def settings_variables() -> set[str]:
    """Every NAME in env.<type>("NAME", ...) or _strict_bool("NAME", ...) in the settings."""
    source = _read("rehabpath/settings.py")
    return set(re.findall(r'(?:\benv(?:\.\w+)?|_strict_bool)\(\s*"([A-Z][A-Z0-9_]*)"', source))


def gunicorn_variables() -> set[str]:
    source = _read("gunicorn.conf.py")
    return set(re.findall(r"os\.environ\.get\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source))


def bench_variables() -> set[str]:
    """What `make bench` reads (scripts/bench/run.py): documented in the README's bench table."""
    source = _read("scripts/bench/run.py")
    return set(re.findall(r"env\.get\(\s*\"(BENCH_[A-Z0-9_]*)\"", source))


def configuration_variables() -> set[str]:
    return settings_variables() | gunicorn_variables()


def env_example_variables() -> set[str]:
    """NAME=... lines of .env.example, set or commented out (a commented one shows a default)."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", _read(".env.example"), re.MULTILINE))


def readme_variables() -> set[str]:
    """The first column of the README's configuration table: | `NAME` | default | meaning |."""
    return set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", _read("README.md"), re.MULTILINE))


def _command(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else shlex.join(command)


def test_settings_parser_sees_the_core_variables():
    # Guards the regex: a parser that found nothing would make the checks below pass vacuously.
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "MAIL_URL"} <= (
        settings_variables()
    )
    assert {"BIND", "PORT", "WEB_CONCURRENCY"} <= gunicorn_variables()


def test_compose_runs_the_production_services(compose):
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit", "migrate"} <= set(services)
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_web_worker_and_beat_run_the_procfile_commands(compose, procfile):
    assert set(APP_SERVICES) <= set(procfile)
    for name in APP_SERVICES:
        assert _command(compose["services"][name]) == procfile[name], name


def test_app_services_share_one_image_built_from_the_dockerfile(compose):
    services = compose["services"]
    images = {services[name]["image"] for name in (*APP_SERVICES, "migrate")}
    assert len(images) == 1
    for name in (*APP_SERVICES, "migrate"):
        assert services[name]["build"] == "."


def test_migrate_is_a_one_shot_step(compose):
    migrate = compose["services"]["migrate"]
    assert _command(migrate) == "python manage.py migrate --noinput"
    assert migrate["restart"] == "no"


def test_workers_scale_without_name_or_host_port_clashes(compose):
    for name in ("worker", "beat"):
        service = compose["services"][name]
        assert "container_name" not in service, name
        assert "ports" not in service, name


def test_app_services_talk_to_the_stack_services(compose):
    for name in (*APP_SERVICES, "migrate"):
        environment = compose["services"][name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["MAIL_URL"] == "smtp://mailpit:1025"
        assert compose["services"][name]["env_file"] == ".env"


def test_backing_services_have_health_checks(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert "readyz" in services["mailpit"]["healthcheck"]["test"]
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    # web keeps the image's HEALTHCHECK (GET /healthz).
    assert not services["web"].get("healthcheck", {}).get("disable", False)


def test_app_services_start_after_migrations_and_healthy_services(compose):
    services = compose["services"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        for backing in ("postgres", "redis", "mailpit"):
            assert depends_on[backing]["condition"] == "service_healthy", (name, backing)
    beat = services["beat"]["depends_on"]
    assert beat["migrate"]["condition"] == "service_completed_successfully"
    assert beat["redis"]["condition"] == "service_healthy"


def test_every_compose_variable_is_read_by_the_configuration(compose):
    text = _read("docker-compose.yml").replace("$$", "")
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    assert used, "the compose file interpolates at least POSTGRES_PASSWORD"
    assert used - COMPOSE_ONLY <= configuration_variables()
    for name in (*APP_SERVICES, "migrate"):
        assert set(compose["services"][name]["environment"]) <= configuration_variables()


def test_env_example_lists_exactly_the_variables_the_configuration_reads():
    documented = env_example_variables()
    assert configuration_variables() - documented == set(), "missing from .env.example"
    assert documented - configuration_variables() - COMPOSE_ONLY == set(), "not read by anything"


def test_readme_table_documents_every_variable():
    documented = readme_variables()
    assert configuration_variables() - documented == set(), "missing from README.md"
    assert (
        documented - configuration_variables() - COMPOSE_ONLY - TOOL_ONLY - bench_variables()
        == (set())
    ), "stale"


def test_readme_documents_every_benchmark_variable():
    assert {"BENCH_TRAINERS", "BENCH_SECONDS"} <= bench_variables()
    assert bench_variables() - readme_variables() == set()


def test_dockerfile_installs_from_the_lock_as_a_non_root_user():
    dockerfile = _read("Dockerfile")
    assert re.search(r"^FROM python:3\.13-slim", dockerfile, re.MULTILINE)
    assert "COPY pyproject.toml uv.lock" in dockerfile
    sync = re.search(r"^RUN uv sync (.*)$", dockerfile, re.MULTILINE)
    assert sync is not None
    assert "--frozen" in sync.group(1).split()
    assert "--no-dev" in sync.group(1).split()
    assert "libharfbuzz-subset0" in dockerfile
    assert "collectstatic" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    healthcheck = re.search(r"^HEALTHCHECK .*$", dockerfile, re.MULTILINE)
    assert healthcheck is not None and "/healthz" in healthcheck.group(0)


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set(_read(".dockerignore").split())
    assert {".env", ".venv", "var", ".git"} <= ignored


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "127.0.0.1:8000"),
        ({"PORT": "8001"}, "127.0.0.1:8001"),
        ({"PORT": "8001", "BIND": "0.0.0.0:8000"}, "0.0.0.0:8000"),
    ],
)
def test_gunicorn_binds_to_bind_or_port(monkeypatch, environ, expected):
    for name in ("BIND", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"] == expected


@pytest.mark.django_db
def test_healthz_answers_plain_http_when_https_is_enforced(client, settings):
    # Health probes run inside the container over HTTP; a redirect would fail them.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/livez").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
