"""Where a registration's milliseconds go, and a confirmation email's: in process, on PostgreSQL,
with the production settings the benchmark's servers use.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/seminar_bench \
        python bench/profile_registration.py

N registrations (BENCH_PROFILE_N, 300) as a browser makes them through the Django test client
(GET the form with a fresh cookie jar, POST it with the CSRF cookie and token and the signed
start time), then the confirmation email of BENCH_PROFILE_EMAILS of them (100) delivered one at a
time as the worker's task does (registrations.delivery.notification_deliver) to an SMTP sink in
another process.

Two passes each: one timed (no profiler), whose wall time is split into groups by wrapping the
functions that do each part (a call inside another group's counts for the innermost, except
template rendering, which counts only where no other group is running), with every SQL query
timed through connection.execute_wrapper; and one under cProfile, whose top cumulative entries
are printed as they are. Prints Markdown on stdout, the groups' figures as a JSON line last.
"""

import cProfile
import functools
import io
import json
import os
import pstats
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

COUNT = int(os.environ.get("BENCH_PROFILE_N", "300"))
EMAILS = int(os.environ.get("BENCH_PROFILE_EMAILS", "100"))
SMTP_PORT = 8226
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')
NUMBERS = re.compile(r"\b\d+\b|'[^']*'|\"s\d+_x\d+\"")
COLUMNS = re.compile(r"^(SELECT|INSERT INTO \S+|RETURNING) .*? (FROM|VALUES|ON CONFLICT) ")


def shape_of(sql: str) -> str:
    """A statement with its literals and column lists left out, so repeats group together."""
    shape = NUMBERS.sub("?", " ".join(sql.split()))
    shape = COLUMNS.sub(lambda found: f"{found.group(1)} (…) {found.group(2)} ", shape)
    return re.sub(r" RETURNING .*$", " RETURNING …", shape)


PROJECT_PACKAGES = ("registrations", "seminar", "organiser", "api", "config")


class Groups:
    """Wall time split into named groups; a group entered inside another takes over the clock
    until it returns (innermost wins), unless it is `outer_only`."""

    def __init__(self):
        self.totals: dict[str, float] = defaultdict(float)
        self.stack: list[str] = []
        self.mark = 0.0
        self.queries: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0.0])
        self.phase = "other"
        self.patched: list[tuple[object, str, object]] = []
        # When set, a query run outside every other group counts in this group.
        self.query_group: str | None = None

    def patch(self, owner, name: str, replacement) -> None:
        self.patched.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, replacement)

    def restore(self) -> None:
        """Put every wrapped function back (before the cProfile pass)."""
        for owner, name, original in reversed(self.patched):
            setattr(owner, name, original)
        self.patched.clear()

    def enter(self, group: str) -> None:
        now = time.perf_counter()
        if self.stack:
            self.totals[self.stack[-1]] += now - self.mark
        self.stack.append(group)
        self.mark = now

    def leave(self) -> None:
        now = time.perf_counter()
        self.totals[self.stack.pop()] += now - self.mark
        self.mark = now

    def wrap(self, function, group: str, *, outer_only: bool = False):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            if outer_only and self.stack:
                return function(*args, **kwargs)
            self.enter(group)
            try:
                return function(*args, **kwargs)
            finally:
                self.leave()

        timed.__wrapped_group__ = group
        return timed

    def method(self, owner, name: str, group: str, **options) -> bool:
        function = owner.__dict__.get(name)
        if function is None:
            return False
        self.patch(owner, name, self.wrap(function, group, **options))
        return True

    def function(self, dotted: str, group: str, **options) -> bool:
        """Wrap a module-level function wherever a project module imported it by name."""
        module_name, name = dotted.rsplit(".", 1)
        module = sys.modules.get(module_name) or __import__(module_name, fromlist=[name])
        original = getattr(module, name, None)
        if original is None:
            return False
        timed = self.wrap(original, group, **options)
        for loaded_name, loaded in list(sys.modules.items()):
            if loaded_name.split(".")[0] in PROJECT_PACKAGES and getattr(loaded, name, None) is (
                original
            ):
                self.patch(loaded, name, timed)
        return True

    def query(self, execute, sql, params, many, context):
        """connection.execute_wrapper: time each statement, grouped by its shape."""
        started = time.perf_counter()
        # A query inside another group (the booking's) stays that group's time.
        grouped = bool(self.query_group) and not self.stack
        if grouped:
            self.enter(self.query_group)
        try:
            return execute(sql, params, many, context)
        finally:
            if grouped:
                self.leave()
            entry = self.queries[(self.phase, shape_of(sql)[:150])]
            entry[0] += 1
            entry[1] += time.perf_counter() - started


def settings_env(tmp: Path) -> None:
    """The settings bench/web.py gives its servers (PRODUCTION=1 and so on), and an SMTP sink."""
    from bench.web import app_env

    os.environ.update(
        {
            **app_env(tmp),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(SMTP_PORT),
            "EMAIL_USE_TLS": "0",
        }
    )


def sink_start() -> subprocess.Popen:
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Sink",
            "-l",
            f"127.0.0.1:{SMTP_PORT}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", SMTP_PORT), timeout=1).close()
            return sink
        except OSError:
            time.sleep(0.1)
    sink.kill()
    raise RuntimeError("SMTP sink did not start")


def seminar_make():
    from django.utils import timezone

    from seminar.models import Seminar

    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=30)
    return Seminar.objects.create(
        slug=f"bench-profile-{int(time.time() * 1000)}",
        title_en="Registration profile",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        capacity=100_000,
        status="published",
    )


CLIENT: list = []


def register(path: str, number: int, tag: str, groups: Groups | None) -> None:
    """One registration as a browser makes it: a fresh cookie jar, the form, the POST."""
    from http.cookies import SimpleCookie

    # One client (building one loads the middleware, and WhiteNoise then indexes every static
    # file: seconds), with an empty cookie jar each time.
    client = CLIENT[0]
    client.cookies = SimpleCookie()
    client.cookies["django_language"] = "en"
    if groups:
        groups.phase = "GET"
    page = client.get(path)
    if page.status_code != 200:
        raise RuntimeError(f"form {number} answered {page.status_code}")
    page = page.content.decode()
    if groups:
        groups.phase = "POST"
    response = client.post(
        path,
        {
            "csrfmiddlewaretoken": TOKEN.search(page).group(1),
            "started": STARTED.search(page).group(1),
            "email": f"profile-{tag}-{number}@example.com",
            "name_en": "Profile Person",
            "organisation": "Bench Ltd",
            "participant_type": "government",
            "region": "hong_kong",
            "industry": "public",
            "preferred_language": "en",
            "consent": "on",
        },
        HTTP_REFERER=f"http://127.0.0.1{path}",
    )
    if response.status_code != 302:
        raise RuntimeError(f"registration {number} answered {response.status_code}")


def registration_groups(groups: Groups) -> list[str]:
    """Wrap what a registration does; returns the names not found (the code moved)."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.forms.forms import BaseForm
    from django.middleware.csrf import CsrfViewMiddleware
    from django.template.base import Template

    from registrations import forms, views

    missing = []
    for ok, name in (
        (groups.method(forms.RegistrationForm, "__init__", "form build"), "RegistrationForm"),
        (
            groups.method(views.EmptyRegistrationForm, "html", "form build"),
            "EmptyRegistrationForm.html",
        ),
        (groups.function("registrations.forms.started_sign", "form build"), "started_sign"),
        (groups.method(BaseForm, "full_clean", "validation"), "full_clean"),
        (
            groups.method(forms.RegistrationForm, "looks_automated", "validation"),
            "looks_automated",
        ),
        (groups.method(forms.RegistrationForm, "sent_too_soon", "validation"), "sent_too_soon"),
        (
            groups.function("registrations.services.registration_create", "booking transaction"),
            "registration_create",
        ),
        (
            groups.method(SessionMiddleware, "process_response", "session/cookies"),
            "SessionMiddleware",
        ),
        (groups.method(CsrfViewMiddleware, "process_view", "session/cookies"), "csrf view"),
        (groups.method(CsrfViewMiddleware, "process_response", "session/cookies"), "csrf"),
        (groups.method(Template, "render", "template render", outer_only=True), "Template"),
    ):
        if not ok:
            missing.append(name)
    # COMMIT does not pass through execute_wrapper; time it as a query of its own.
    original_commit = BaseDatabaseWrapper.commit

    def commit(connection):
        started = time.perf_counter()
        try:
            return original_commit(connection)
        finally:
            entry = groups.queries[(groups.phase, "COMMIT")]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    groups.patch(BaseDatabaseWrapper, "commit", commit)
    return missing


def email_groups(groups: Groups) -> list[str]:
    import smtplib

    from django.template.base import Template

    missing = []
    for ok, name in (
        (groups.method(Template, "render", "template render", outer_only=True), "Template"),
        (groups.function("registrations.calendar.calendar_ics", "calendar file"), "calendar"),
        (groups.function("registrations.mail_bytes.message_bytes", "message bytes"), "bytes"),
        *(
            (groups.method(smtplib.SMTP, name, "SMTP exchange"), f"SMTP.{name}")
            for name in ("connect", "ehlo", "sendmail", "quit", "rset", "noop")
        ),
    ):
        if not ok:
            missing.append(name)
    return missing


def table(groups: Groups, *, count: int, total: float, phase_names: tuple[str, ...]) -> str:
    lines = ["| Group | ms each | Share |", "| --- | ---: | ---: |"]
    named = sum(groups.totals.values())
    for name, seconds in sorted(groups.totals.items(), key=lambda item: -item[1]):
        lines.append(f"| {name} | {seconds * 1000 / count:.2f} | {seconds / total:.0%} |")
    lines.append(
        f"| other | {(total - named) * 1000 / count:.2f} | {(total - named) / total:.0%} |"
    )
    lines.append(f"| **whole** | **{total * 1000 / count:.2f}** | |")
    lines += [
        "",
        "| Query (where) | Per one | ms each |",
        "| --- | ---: | ---: |",
    ]
    queries = [
        (phase, shape, entry)
        for (phase, shape), entry in groups.queries.items()
        if phase in phase_names
    ]
    for phase, shape, (number, seconds) in sorted(queries, key=lambda item: -item[2][1]):
        shown = shape if len(shape) < 100 else shape[:97] + "..."
        lines.append(
            f"| `{shown.replace('|', '/')}` ({phase}) | {number / count:.2f} | "
            f"{seconds * 1000 / count:.2f} |"
        )
    all_queries = sum(
        number for (phase, _), (number, _) in groups.queries.items() if phase in phase_names
    )
    all_time = sum(
        seconds for (phase, _), (_, seconds) in groups.queries.items() if phase in phase_names
    )
    lines.append(f"| **all** | **{all_queries / count:.2f}** | **{all_time * 1000 / count:.2f}** |")
    return "\n".join(lines)


def top(profile: cProfile.Profile, limit: int = 20) -> str:
    """Our own functions by cumulative time, then every function by its own time."""
    parts = []
    for order, restriction in (
        ("cumulative", r"^(registrations|seminar|config|api)/"),
        ("tottime", ""),
    ):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        # Paths relative to the project and to site-packages, so the restriction and the reader
        # see `registrations/views.py` and `django/db/...`.
        stats.stats = {
            (trim(filename), line, name): value
            for (filename, line, name), value in stats.stats.items()
        }
        stats.sort_stats(order)
        if restriction:
            stats.print_stats(restriction, limit)
        else:
            stats.print_stats(limit)
        text = out.getvalue()
        parts.append(
            f"By {order}:\n"
            + (text[text.index("   ncalls") :] if "   ncalls" in text else text).rstrip()
        )
    return "\n\n".join(parts)


def trim(filename: str) -> str:
    filename = re.sub(r"^.*/site-packages/", "", filename)
    return filename.replace(str(ROOT) + "/", "")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    settings_env(tmp)
    from bench.web import static_collect

    static_collect(dict(os.environ))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from registrations.delivery import notification_deliver
    from registrations.models import Notification

    call_command("migrate", verbosity=0)
    from django.test import Client

    CLIENT.append(Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1"))
    tag = str(int(time.time()))
    seminar = seminar_make()
    path = f"/seminars/{seminar.slug}/register/"
    for number in range(5):  # caches, the empty form per language, connections
        register(path, -number - 1, tag, None)

    groups = Groups()
    groups.query_group = "queries outside the booking (reads of the seminar, questions...)"
    missing = registration_groups(groups)
    with connection.execute_wrapper(groups.query):
        started = time.perf_counter()
        for number in range(COUNT):
            register(path, number, tag, groups)
        registration_seconds = time.perf_counter() - started
    groups.restore()
    profile = cProfile.Profile()
    profile.enable()
    for number in range(COUNT):
        register(path, COUNT + number, tag, None)
    profile.disable()
    registration_top = top(profile)

    sink = sink_start()
    try:
        pending = list(
            Notification.objects.filter(registration__seminar=seminar, status="pending")
            .order_by("pk")
            .values_list("pk", flat=True)[: EMAILS * 2 + 5]
        )
        for notification_id in pending[:5]:  # the connection, the process's caches
            notification_deliver(notification_id=notification_id)
        mail = Groups()
        mail.phase = "email"
        mail.query_group = "database (claim, reads, marking sent)"
        missing += email_groups(mail)
        with connection.execute_wrapper(mail.query):
            started = time.perf_counter()
            for notification_id in pending[5 : 5 + EMAILS]:
                notification_deliver(notification_id=notification_id)
            email_seconds = time.perf_counter() - started
        emails = len(pending[5 : 5 + EMAILS])
        mail.restore()
        profile = cProfile.Profile()
        profile.enable()
        for notification_id in pending[5 + EMAILS :]:
            notification_deliver(notification_id=notification_id)
        profile.disable()
        email_top = top(profile)
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    print(f"""### One registration (GET the form, POST it): {COUNT} in process, PostgreSQL

{table(groups, count=COUNT, total=registration_seconds, phase_names=("GET", "POST"))}

### One confirmation email, delivered on its own ({emails}, SMTP sink in another process)

{table(mail, count=emails, total=email_seconds, phase_names=("email",))}

{"Not found (the code moved; their time is in other): " + ", ".join(missing) if missing else ""}

### cProfile, registrations: top cumulative entries

```
{registration_top}
```

### cProfile, emails: top cumulative entries

```
{email_top}
```
""")
    print(
        json.dumps(
            {
                "registrations": COUNT,
                "registration_ms": round(registration_seconds * 1000 / COUNT, 2),
                "registration_groups": {
                    name: round(seconds * 1000 / COUNT, 2)
                    for name, seconds in groups.totals.items()
                },
                "emails": emails,
                "email_ms": round(email_seconds * 1000 / max(emails, 1), 2),
                "email_groups": {
                    name: round(seconds * 1000 / max(emails, 1), 2)
                    for name, seconds in mail.totals.items()
                },
                "missing": missing,
            }
        )
    )


if __name__ == "__main__":
    main()
