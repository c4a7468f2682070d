# RehabPath — `make run` for a demo, `make test` for the suite. Needs python3.13 or uv on PATH.
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Use a Python that is already installed (this project's machines cannot download one);
# override with UV_PYTHON_DOWNLOADS=automatic where uv may fetch interpreters.
export UV_PYTHON_DOWNLOADS ?= never

# A Python 3.13 that really runs: python3.13 on PATH, else pyenv's 3.13 (its shim fails unless
# that version is selected). Empty when there is none: uv then looks for one itself.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null || { \
	v=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.13\.[0-9]+$$' | tail -n 1); \
	[ -n "$$v" ] && PYENV_VERSION=$$v pyenv which python3.13 2>/dev/null; } || true)
endif

# Use uv from PATH when there is one; otherwise bootstrap it into .tools with that Python.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif

# `make run PORT=8001` (or BIND=0.0.0.0:8000) when 8000 is taken.
PORT ?= 8000
BIND ?= 127.0.0.1:$(PORT)
URL := http://$(subst 0.0.0.0,127.0.0.1,$(BIND))/

.PHONY: install run test lint typecheck format collectstatic clean system-packages bench bench-sweep messages

# The Debian packages the suite needs (WeasyPrint's libraries, fonts, poppler, Chromium):
# installed when missing if we are root or have password-less sudo, else the exact apt-get line.
system-packages:
	@bash scripts/system-packages.sh

.tools/bin/uv:
	@test -n "$(PYTHON)" || { echo "Neither uv nor a working python3.13 is on PATH: install one." >&2; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check 'uv>=0.5,<1'

install: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --python $(or $(PYTHON),3.13)
	@$(BIN)/python -c "import django; print('Django', django.get_version(), 'ready in $(VENV)')"

# The demo: SQLite, the embedded broker, web + worker + beat under honcho. Ctrl-C stops all.
run: export DEBUG ?= true
run: export DEMO_MODE ?= true
run: export PORT := $(PORT)
run: export BIND := $(BIND)
run: export SITE_URL ?= $(patsubst %/,%,$(URL))
# honcho stops a process by signalling its whole group, which kills prefork children before the
# worker's warm shutdown and leaves it hanging until SIGKILL; threads stop cleanly within honcho's
# 5 s. Celery reads CELERY_WORKER_POOL as --pool; compose keeps the prefork default.
run: export CELERY_WORKER_POOL ?= threads
# Clinic webhooks may go to a receiver on 127.0.0.1 (manage.py webhook_receiver); never in production.
run: export WEBHOOKS_ALLOW_LOCAL ?= true
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  RehabPath is starting at $(URL)"
	@echo "  Demo logins (password rehabpath-demo): trainer@example.com, mentor@example.com,"
	@echo "  clinic@example.com, staff@example.com. Mail is written to var/mail/."
	@echo "  DEMO_MODE=$$DEMO_MODE: when true the seeded mentor, clinic and staff accounts skip the"
	@echo "  MFA requirement; run 'make run DEMO_MODE=false' to be sent to MFA setup like real users."
	@echo "  Press Ctrl-C to stop web, worker and beat."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start -f Procfile

collectstatic: export DEBUG ?= true
collectstatic: install
	$(BIN)/python manage.py collectstatic --noinput -v0

# Uses DATABASE_URL / REDIS_URL when set (CI sets both); SQLite and the embedded broker otherwise.
test: system-packages collectstatic
	$(BIN)/pytest $(PYTEST_ARGS)

# The load benchmark (docs/PERFORMANCE.md): gunicorn and wrk against a generated programme in
# PostgreSQL. BENCH_TRAINERS (10000), BENCH_SECONDS (10 a page), BENCH_DATABASE_URL,
# BENCH_REDIS_URL, BENCH_OUTPUT: see scripts/bench/run.py and the README. Then the reminder
# sweep (scripts/bench/sweep.py) and the certificates (scripts/bench/certificates.py,
# BENCH_CERT_RENDERS).
bench: collectstatic
	@WITH_BENCH_TOOLS=1 bash scripts/system-packages.sh
	$(BIN)/python scripts/bench/run.py
	$(BIN)/python scripts/bench/sweep.py
	$(BIN)/python scripts/bench/certificates.py
	$(BIN)/python scripts/bench/certificates_issue.py

# The reminder sweep alone (issue 9): 10 x BENCH_TRAINERS trainers up to 100,000, or
# BENCH_SWEEP_TRAINERS; a worker sends the day's mail to an SMTP sink. See scripts/bench/sweep.py.
bench-sweep: collectstatic
	$(BIN)/python scripts/bench/sweep.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# The whole project, configured in pyproject.toml [tool.mypy]: the apps strictly, the tests
# loosely, migrations not at all.
typecheck: export DEBUG ?= true
typecheck: install
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Compile the sentence-case wording for allauth's pages (needs gettext's msgfmt); commit the .mo.
messages:
	msgfmt --check -o locale/en_GB/LC_MESSAGES/django.mo locale/en_GB/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) .tools var/staticfiles .pytest_cache
