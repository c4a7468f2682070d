# RehabPath — `make run` for a demo, `make test` for the suite. Needs python3.13 or uv on PATH.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# Use uv from PATH when there is one; otherwise bootstrap it into .tools with python3.13.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif

.PHONY: install run test lint format check-deploy collectstatic clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check 'uv>=0.5,<1'

install: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --python 3.13
	@$(BIN)/python -c "import django; print('Django', django.get_version(), 'ready in $(VENV)')"

# The demo: SQLite, the embedded broker, web + worker + beat under honcho. Ctrl-C stops all.
run: export DEBUG ?= true
run: export DEMO_MODE ?= true
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  RehabPath is starting at http://127.0.0.1:8000/"
	@echo "  Demo logins (password rehabpath-demo): trainer@example.com, mentor@example.com,"
	@echo "  clinic@example.com, staff@example.com. Mail is written to var/mail/."
	@echo "  DEMO_MODE=$$DEMO_MODE: when true the seeded mentor, clinic and staff accounts skip the"
	@echo "  MFA requirement; run 'make run DEMO_MODE=false' to be sent to MFA setup like real users."
	@echo "  Press Ctrl-C to stop web, worker and beat."
	@echo ""
	$(BIN)/honcho start -f Procfile

collectstatic: export DEBUG ?= true
collectstatic: install
	$(BIN)/python manage.py collectstatic --noinput -v0

# Uses DATABASE_URL / REDIS_URL when set (CI sets both); SQLite and the embedded broker otherwise.
test: collectstatic
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .tools var/staticfiles .pytest_cache
