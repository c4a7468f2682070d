"""A local HTTP receiver on 127.0.0.1 for the webhook tests: answers each POST with the next
status of a script and keeps what it received."""

import ssl
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    statuses: list[int]
    received: list[Received] = field(default_factory=list)


@contextmanager
def local_receiver(
    statuses: Sequence[int] = (200,),
    path: str = "/hook",
    *,
    tls: tuple[str, str] | None = None,
    host: str = "127.0.0.1",
) -> Iterator[Receiver]:
    """A receiver answering with `statuses` in turn (the last one from then on); over TLS
    with `tls` = (certificate file, key file), its URL then naming `host`."""
    script = list(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            status = script.pop(0) if len(script) > 1 else script[0]
            payload = b"ok" if status < 300 else b"try later"
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    receiver = Receiver(url=f"{scheme}://{host}:{server.server_port}{path}", statuses=script)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
