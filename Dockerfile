# One image for web, worker, beat and the migrate step (see docker-compose.yml).

# --- Dependencies: exactly what uv.lock pins, without the dev group. ----------------------------
FROM python:3.13-slim-bookworm AS deps
ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never
RUN pip install --no-cache-dir --disable-pip-version-check 'uv>=0.5,<1'
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --python /usr/local/bin/python3.13

# --- Runtime. -----------------------------------------------------------------------------------
FROM python:3.13-slim-bookworm
# WeasyPrint's libraries (Pango, HarfBuzz with its subsetter) and fonts for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fontconfig fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BIND=0.0.0.0:8000

RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home rehabpath
WORKDIR /app
COPY --from=deps /opt/venv /opt/venv
# The code stays owned by root: the app user can read it, not change it.
COPY . .

# Static files are collected into the image; the settings need a key to import, so a dummy one
# that exists only during this build step.
RUN DEBUG=false SECRET_KEY=build-time-only-not-a-secret MAIL_URL=console:// ALLOW_LOCAL_CACHE=true \
        python manage.py collectstatic --noinput -v0 \
    && mkdir -p var/evidence var/mail \
    && chown -R rehabpath:rehabpath var

USER rehabpath
EXPOSE 8000

# GET /healthz with a Host the settings allow (the first of ALLOWED_HOSTS); 503 fails the check.
HEALTHCHECK --interval=30s --timeout=12s --start-period=30s --retries=3 CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h if h not in ('', '*') else 'localhost'}), timeout=10)"]

CMD ["gunicorn", "rehabpath.wsgi"]
