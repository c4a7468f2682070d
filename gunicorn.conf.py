"""gunicorn settings, read from the environment so that Procfile and compose share one command."""

import os

# BIND wins; else PORT (which honcho and most platforms set) on the loopback; else 8000.
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = 30
accesslog = "-"
# Trust X-Forwarded-* only from the proxy in front of us (compose: the internal network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket (gunicornc): it would live in $HOME, which the image's user cannot
# write, and two servers on one machine would share it.
control_socket_disable = True
