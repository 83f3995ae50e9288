"""A loopback HTTP server for the tests that talk to a CDN or a webhook endpoint: it records every
request and answers as told, so no test ever leaves 127.0.0.1."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class LocalServer:
    """``answers``: the (status, body) of the next requests, in order; the last one repeats.
    ``delay``: seconds to wait before answering (a hanging endpoint)."""

    answers: list[tuple[int, bytes]] = field(default_factory=lambda: [(200, b"ok")])
    delay: float = 0
    requests: list[Recorded] = field(default_factory=list)

    def __enter__(self) -> "LocalServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append(
                    Recorded(self.command, self.path, dict(self.headers.items()), body)
                )
                time.sleep(server.delay)
                status, content = (
                    server.answers.pop(0) if len(server.answers) > 1 else server.answers[0]
                )
                self.send_response(status)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PURGE = _answer

            def log_message(self, *args) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"
