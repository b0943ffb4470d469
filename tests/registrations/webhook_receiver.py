"""A webhook receiver for the tests: a real HTTP server in a thread that checks each request's
signature on its own (hmac and hashlib, nothing from the code under test) and records what came.

It answers 401 to a wrong or missing signature or a timestamp outside the 5-minute window, else
the status its `answers` say (200 by default); `delay` seconds make it slow.
"""

import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLAY_WINDOW = 5 * 60


def free_port() -> int:
    """A port nothing listens on (connection refused) until a receiver is started on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def signature_valid(*, secret: str, headers, body: bytes) -> bool:
    """What a receiver does (docs/webhooks.md), written from the documentation."""
    timestamp = headers.get("Webhook-Timestamp", "")
    given = headers.get("Webhook-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > REPLAY_WINDOW:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return any(
        hmac.compare_digest("v1=" + expected.hexdigest(), part.strip()) for part in given.split(",")
    )


class Receiver:
    def __init__(self, *, secret: str = "", port: int = 0, delay: float = 0.0):
        self.secret = secret
        self.port = port
        self.delay = delay
        self.received: list[dict] = []  # every request, valid or not
        self.answers: list[int] = []  # statuses to answer in turn; then 200
        self.answer_for: dict[str, int] = {}  # by event: always this status
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    @property
    def events(self) -> list[str]:
        """The events accepted (answered 2xx), in the order they arrived."""
        return [item["body"]["event"] for item in self.received if item["status"] < 300]

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.delay:
                    time.sleep(receiver.delay)
                valid = signature_valid(secret=receiver.secret, headers=self.headers, body=body)
                payload = json.loads(body)
                if not valid:
                    status = 401
                elif payload["event"] in receiver.answer_for:
                    status = receiver.answer_for[payload["event"]]
                elif receiver.answers:
                    status = receiver.answers.pop(0)
                else:
                    status = 200
                receiver.received.append(
                    {
                        "headers": dict(self.headers),
                        "body": payload,
                        "valid": valid,
                        "status": status,
                    }
                )
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
