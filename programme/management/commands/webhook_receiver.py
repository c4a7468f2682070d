"""A webhook receiver for trying clinic webhooks locally: prints each delivery, and whether
its signature verifies with the endpoint's secret (the standardwebhooks package).

    manage.py webhook_receiver --port 8765 --secret whsec_...

Register http://127.0.0.1:8765/ as an endpoint (WEBHOOKS_ALLOW_LOCAL=true, as `make run`
sets it). `--fail N` answers the first N deliveries with 503, to watch the retries.
"""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Command(BaseCommand):
    help = "Receive clinic webhooks on 127.0.0.1 and check their signatures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--secret", default="", help="The endpoint's whsec_… secret.")
        parser.add_argument("--fail", type=int, default=0, help="Answer the first N with 503.")

    def handle(self, *args: Any, **options: Any) -> None:
        command = self
        secret: str = options["secret"]
        state = {"to_fail": options["fail"]}

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = dict(self.headers.items())
                command.report(body, headers, secret)
                if state["to_fail"] > 0:
                    state["to_fail"] -= 1
                    status = 503
                else:
                    status = 204
                command.stdout.write(f"  answered {status}\n")
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", options["port"]), Handler)
        self.stdout.write(
            f"Receiving webhooks at http://127.0.0.1:{server.server_port}/ (Ctrl-C stops)"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    def report(self, body: bytes, headers: dict[str, str], secret: str) -> None:
        lower = {k.lower(): v for k, v in headers.items()}
        self.stdout.write(
            f"\nwebhook-id {lower.get('webhook-id', '?')}  "
            f"webhook-timestamp {lower.get('webhook-timestamp', '?')}"
        )
        try:
            event = json.loads(body)
            self.stdout.write(json.dumps(event, indent=2))
        except ValueError:
            self.stdout.write(body.decode(errors="replace"))
        if not secret:
            self.stdout.write("  signature: not checked (no --secret)")
            return
        try:
            Webhook(secret).verify(body, headers)
        except WebhookVerificationError as exc:
            self.stdout.write(self.style.ERROR(f"  signature: DOES NOT VERIFY ({exc})"))
        else:
            self.stdout.write(self.style.SUCCESS("  signature: verifies"))
