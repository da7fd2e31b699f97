"""A threaded HTTP/1.1 server on 127.0.0.1 with per-path handlers and a request log."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit


@dataclass
class Exchange:
    """One request as the server saw it, and the means to answer it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    _handler: BaseHTTPRequestHandler = field(repr=False)

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.start(status, {"Content-Length": str(len(body)), **(headers or {})})
        self.write(body)

    def start(self, status: int, headers: dict[str, str]) -> None:
        self._handler.send_response(status)
        for name, value in headers.items():
            self._handler.send_header(name, value)
        self._handler.end_headers()

    def write(self, data: bytes) -> bool:
        """False once the client has gone away."""
        try:
            self._handler.wfile.write(data)
            self._handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return False
        return True


Handler = Callable[[Exchange], None]


def answer(body: bytes = b"", status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    return lambda exchange: exchange.send(status, body, headers)


def redirect(location: str, status: int = 302) -> Handler:
    return answer(status=status, headers={"Location": location})


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Exchange] = []
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def hits(self, path: str) -> list[Exchange]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        exchange = Exchange(
            handler.command,
            parts.path,
            query,
            {k.lower(): v for k, v in handler.headers.items()},
            handler,
        )
        with self._lock:
            self.requests.append(exchange)
        route = self.routes.get(parts.path) or self._prefix_route(parts.path)
        if route is None:
            exchange.send(404, b"not found", {"Content-Type": "text/plain"})
            return
        route(exchange)

    def _prefix_route(self, path: str) -> Handler | None:
        prefixes = (p for p in self.routes if p.endswith("*") and path.startswith(p[:-1]))
        best = max(prefixes, key=len, default=None)
        return self.routes[best] if best else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._dispatch(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return _Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-answer is what the hostile tests are about: not news."""


def serving() -> Iterator[LocalServer]:
    """For a pytest fixture: `server = pytest.fixture(serving)`."""
    with LocalServer() as server:
        yield server
