"""gunicorn settings, read from the environment so that Procfile and compose share one command."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = 30
accesslog = "-"
# Trust X-Forwarded-* only from the proxy in front of us (compose: the internal network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
