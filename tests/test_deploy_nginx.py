"""deploy/nginx/seminar.conf running: nginx (Debian's, as deploy/check installs it) serves the site
on loopback ports, with a self-signed certificate, in front of a stand-in app on a unix socket
that answers with the headers it received. What a visitor and the app would notice: HTTP goes to
HTTPS, a forged X-Forwarded-For never reaches the app, the app learns the request came over
HTTPS, hashed static files are cached for a year, and an upload over the limit stops at nginx."""

import getpass
import http.client
import json
import os
import re
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest
from django.test import RequestFactory

from config.ratelimit import client_ip
from registrations.attendance import MAX_REPORT_BYTES
from tests.test_deploy_files import NGINX_SITE, example_environment

NGINX = "/usr/sbin/nginx"
HOST = "seminars.example.gov.hk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EchoHeaders(BaseHTTPRequestHandler):
    """The stand-in app: answers every request with the headers it arrived with, as JSON."""

    def answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def address_string(self) -> str:
        return "unix"  # a unix socket has no client address

    def log_message(self, *args) -> None:
        pass


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


@pytest.fixture
def nginx(tmp_path):
    """The site's ports: (http, https). The site is the real file with only its paths and ports
    changed: listen ports, certificate, static directory, upstream socket."""
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed here; deploy/check installs it (Debian's package)")
    app_socket = tmp_path / "app.sock"
    app = UnixHTTPServer(str(app_socket), EchoHeaders)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    static = tmp_path / "static"
    static.mkdir()
    (static / "app.0123456789ab.css").write_text("body { color: black }")
    (static / "app.css").write_text("body { color: black }")
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={HOST}", "-keyout", tmp_path / "key.pem"),
            *("-out", tmp_path / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    http_port, https_port = free_port(), free_port()
    site = NGINX_SITE.read_text()
    for pattern, replacement in [
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"listen \[::\]:\d+[^;]*;", ""),
        (r"unix:/run/seminar-web\.sock", f"unix:{app_socket}"),
        (r"/etc/ssl/seminar/fullchain\.pem", str(tmp_path / "cert.pem")),
        (r"/etc/ssl/seminar/privkey\.pem", str(tmp_path / "key.pem")),
        (r"alias /opt/seminar/staticfiles/;", f"alias {static}/;"),
    ]:
        site, count = re.subn(pattern, replacement, site)
        assert count, f"{NGINX_SITE.name} no longer has {pattern!r}: update this test"
    (tmp_path / "seminar.conf").write_text(site)
    # As root, nginx's workers would switch to `nobody`, who cannot read the test's directory.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    temporary_paths = "".join(
        f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi")
    ) + "".join(f"{kind}_temp_path {tmp_path / kind};" for kind in ("uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"{user} pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};"
        f" events {{}} http {{ include /etc/nginx/mime.types; access_log off;"
        f" {temporary_paths} include {tmp_path / 'seminar.conf'}; }}"
    )
    server = subprocess.Popen(
        [
            *(NGINX, "-p", tmp_path, "-e", tmp_path / "error.log"),
            *("-c", tmp_path / "nginx.conf", "-g", "daemon off;"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start: {server.stderr.read().decode()}")
                time.sleep(0.05)
        yield http_port, https_port
    finally:
        server.terminate()
        server.wait(timeout=10)
        app.shutdown()
        app.server_close()


def request(port: int, method: str, path: str, *, tls: bool = True, body=None, headers=None):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
    response = connection.getresponse()
    return response, response.read()


def test_plain_http_is_redirected_to_https(nginx):
    http_port, _ = nginx

    response, _ = request(http_port, "GET", "/seminars/?lang=en", tls=False)

    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/seminars/?lang=en"


def test_a_forged_client_address_never_reaches_the_app(nginx, settings):
    _, https_port = nginx

    response, body = request(
        https_port, "GET", "/seminars/", headers={"X-Forwarded-For": "203.0.113.9"}
    )
    received = json.loads(body)
    meta = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in received.items()}
    as_the_app_reads_it = RequestFactory().get("/", **meta, REMOTE_ADDR="unix")

    assert response.status == 200
    assert received["X-Forwarded-For"] == "127.0.0.1"
    assert received["X-Forwarded-Proto"] == "https"
    assert received["Host"] == HOST
    settings.CLIENT_IP_HEADER = example_environment()["CLIENT_IP_HEADER"]
    assert client_ip(as_the_app_reads_it) == "127.0.0.1"


def test_hashed_static_files_are_cached_for_a_year_and_the_others_for_an_hour(nginx):
    _, https_port = nginx

    hashed, hashed_body = request(https_port, "GET", "/static/app.0123456789ab.css")
    plain, _ = request(https_port, "GET", "/static/app.css")

    assert (hashed.status, hashed_body) == (200, b"body { color: black }")
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashed.headers["Content-Type"] == "text/css"
    assert plain.status == 200
    assert plain.headers["Cache-Control"] == "max-age=3600"


def test_an_attendance_report_of_the_largest_size_passes_and_a_bigger_body_stops_at_nginx(
    nginx,
):
    _, https_port = nginx
    form_around_it = 64 * 1024

    taken, _ = request(
        https_port, "POST", "/import/", body=b"x" * (MAX_REPORT_BYTES + form_around_it)
    )
    refused, _ = request(https_port, "POST", "/import/", body=b"x" * (MAX_REPORT_BYTES * 12 // 10))

    assert taken.status == 200
    assert refused.status == 413
