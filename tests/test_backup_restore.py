"""Backups that restore (docs/backups.md): a database holding registrations, answers, queued
emails and a certificate is backed up the documented way, restored, and the site runs on the
copy in its own processes (gunicorn and `manage.py db_worker`, as in production): every table
holds what it held, a private link opens its registration, a certificate code still verifies, a
new registration is taken, and the emails that were waiting are sent once, not again.

PostgreSQL: `pg_dump -Fc` and `pg_restore` into a fresh database. SQLite: `manage.py
backup_sqlite` of a WAL-mode database while people are registering on it.
"""

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from config.backups import BackupError, sqlite_backup
from registrations.delivery import notification_message_id
from registrations.models import Notification, Registration
from registrations.services import registration_create
from tests.factories import (
    QuestionFactory,
    SeminarFactory,
    choice_question,
    question_option,
    registration_data,
)
from tests.mail_sink import MailSink
from tests.registrations.certificate_helpers import (
    certificate_row,
    past_seminar_with_certificates,
    qualifying_registration,
)
from tests.test_multiprocess import free_port, register

pytestmark = pytest.mark.django_db(transaction=True)

# The env file's key, kept with the backups: the restored site signs and derives with it.
SECRET_KEY = "backup-restore-test-key-" + "k" * 40


@dataclass
class Built:
    registration: Registration
    certificate_code: str
    certificate_name: str
    pending_message_ids: set[bytes]
    open_slug: str  # a seminar still taking registrations, without questions


def data_build(settings) -> Built:
    """Registrations with answers, their emails waiting in the outbox (the task queue is the
    database, and no worker runs), and a certificate issued at a past seminar."""
    settings.SECRET_KEY = SECRET_KEY
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.EMAILS_PER_MINUTE = 0
    seminar = SeminarFactory(capacity=2)
    sector = choice_question("Trading", "Design", seminar=seminar, label_en="Sector")
    member = QuestionFactory(seminar=seminar, label_en="Membership number")
    registrations = [
        registration_create(
            seminar=seminar,
            data=registration_data(email=f"kept{number}@example.com", name_en=f"LAM Kept {number}"),
            answers={
                sector: [question_option(sector, "Design")],
                member: f"HKIPA-{number:04}",
            },
        )
        for number in range(3)
    ]
    past = past_seminar_with_certificates()
    certificate = certificate_row(qualifying_registration(past, name_en="CHOW Certified"))
    pending = Notification.objects.filter(status=Notification.Status.PENDING)
    assert pending.count() == 3  # two confirmations and a waitlist notice, none sent yet
    return Built(
        registration=registrations[0],
        certificate_code=certificate.code,
        certificate_name=certificate.name_en,
        pending_message_ids={notification_message_id(n).encode() for n in pending},
        open_slug=SeminarFactory(capacity=None).slug,
    )


def postgres_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def postgres_tables(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of all its rows (in text form, sorted)."""
    with psycopg2.connect(url) as database, database.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = sorted(name for (name,) in cursor.fetchall())
        found = {}
        for table in tables:
            rows = "string_agg(t::text, chr(10) ORDER BY t::text)"
            # Table names come from the catalogue, not from input.
            cursor.execute(f"SELECT count(*), md5(coalesce({rows}, '')) FROM \"{table}\" t")  # noqa: S608
            found[table] = cursor.fetchone()
    database.close()
    return found


def sqlite_tables(path: Path) -> dict[str, tuple[int, str]]:
    database = sqlite3.connect(path)
    try:
        names = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        found = {}
        for table in sorted(names):
            query = f'SELECT * FROM "{table}"'  # noqa: S608 - a name from the catalogue
            rows = sorted(repr(row) for row in database.execute(query))
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return found
    finally:
        database.close()


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """The hashed static files the pages reference, collected once, as a deployment does."""
    root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "STATIC_ROOT": str(root), "STATIC_COMPRESS": "0"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
    )
    return root


def site_env(database_url: str, static_root: Path, var_dir: Path, **extra: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "SECRET_KEY": SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "VAR_DIR": str(var_dir),
        "RATELIMIT_ENABLED": "0",
        "REGISTRATION_MIN_FILL_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
        **extra,
    }


@contextmanager
def site(env: dict):
    """gunicorn serving the site on `env`'s database; yields its base address."""
    port = free_port()
    bind = f"127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2", "--bind", bind],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, "the site did not start on the restored database"
                assert time.monotonic() < deadline, "the site did not answer within 30 s"
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def page(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def worker_run(env: dict, sink: MailSink) -> None:
    """One `manage.py db_worker --batch`: runs what is queued, then leaves."""
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=settings.BASE_DIR,
        env={
            **env,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            "EMAILS_PER_MINUTE": "0",
        },
        check=True,
        timeout=120,
    )


def site_checks(env: dict, built: Built) -> None:
    """What a registrant, a certificate checker and a newcomer see on the restored site."""
    with site(env) as base:
        status, private = page(f"{base}/r/{built.registration.token}/")
        assert status == 200
        assert built.registration.name_en in private
        assert "HKIPA-0000" in private  # the answers came back with the registration
        status, verified = page(f"{base}/certificates/{built.certificate_code}/")
        assert status == 200
        assert built.certificate_name in verified
        # The sequences came back too: a new row does not collide with a restored one.
        status, location = register(base, base, built.open_slug, 1)
        assert status == 302
        assert location.endswith(f"/seminars/{built.open_slug}/register/done/")


def emails_sent_once(env: dict, expected: set[bytes]) -> None:
    with MailSink() as sink:
        worker_run(env, sink)
        first = dict(sink.message_ids)
        worker_run(env, sink)

    assert first == dict.fromkeys(expected, 1)
    assert dict(sink.message_ids) == first  # the second run found nothing left to send


def test_pg_dump_restored_into_a_fresh_database_runs_the_site_and_sends_queued_emails_once(
    settings, static_root, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump and pg_restore need PostgreSQL: run with DATABASE_URL=postgres://...")
    built = data_build(settings)
    source = postgres_url(connection.settings_dict["NAME"])
    restored_name = f"{connection.settings_dict['NAME']}_restored"
    restored = postgres_url(restored_name)
    dump = tmp_path / "seminar.dump"

    subprocess.run(["pg_dump", "-Fc", "--no-owner", "-f", dump, source], check=True)  # noqa: S607
    admin = psycopg2.connect(postgres_url("postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", restored, dump],  # noqa: S607
            check=True,
        )
        assert postgres_tables(restored) == postgres_tables(source)
        env = site_env(restored, static_root, tmp_path)
        emails_sent_once(env, built.pending_message_ids)
        site_checks(env, built)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')
        admin.close()


def sqlite_pending_message_ids(path: Path) -> set[bytes]:
    database = sqlite3.connect(path)
    try:
        ids = database.execute(
            "SELECT id FROM registrations_notification WHERE status = ?",
            [Notification.Status.PENDING],
        ).fetchall()
    finally:
        database.close()
    return {notification_message_id(Notification(pk=pk)).encode() for (pk,) in ids}


def registrations_on_seminar(path: Path, slug: str) -> tuple[int, int, int]:
    """(registrations, confirmed ones, the seminar's seat counter): a torn copy would disagree."""
    database = sqlite3.connect(path)
    try:
        return database.execute(
            "SELECT count(r.id), sum(r.status = 'confirmed'), s.seats_taken "
            "FROM seminar_seminar s LEFT JOIN registrations_registration r ON r.seminar_id = s.id "
            "WHERE s.slug = ? GROUP BY s.id",
            [slug],
        ).fetchone()
    finally:
        database.close()


def registrations_wait(made: list, count: int, writer: threading.Thread) -> None:
    """Until the writer has made `count` registrations; fails if it stopped or took a minute."""
    deadline = time.monotonic() + 60
    while len(made) < count:
        assert writer.is_alive(), "the writer stopped (see its exception above)"
        assert time.monotonic() < deadline, f"only {len(made)} registrations in a minute"
        time.sleep(0.05)


def test_sqlite_online_backup_while_people_register_restores_a_working_site(
    settings, static_root, tmp_path
):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup is tested when the suite runs on SQLite (the default)")
    built = data_build(settings)
    live = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(live) as copy:
        connection.connection.backup(copy)  # the test database (in memory) as a file
    with sqlite3.connect(live) as database:
        assert database.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    before = sqlite_tables(live)
    live_env = site_env(f"sqlite:///{live}", static_root, tmp_path)
    backup = tmp_path / "backups" / "seminar.sqlite3"
    backup.parent.mkdir()
    made, stop = [], threading.Event()

    with site(live_env) as base:

        def keep_registering():
            while not stop.is_set():
                made.append(register(base, base, built.open_slug, len(made) + 100))

        writer = threading.Thread(target=keep_registering)
        writer.start()
        try:
            registrations_wait(made, 3, writer)
            started = len(made)
            subprocess.run(
                [sys.executable, "manage.py", "backup_sqlite", backup],
                cwd=settings.BASE_DIR,
                env=live_env,
                check=True,
                umask=0o022,  # the usual umask, which leaves new files readable by everyone
            )
            during = len(made)
            registrations_wait(made, during + 3, writer)
        finally:
            stop.set()
            writer.join(timeout=60)
    after = sqlite_tables(live)

    assert {status for status, _ in made} == {302}
    assert not Path(f"{backup}-wal").exists()  # one self-contained file
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # personal data: its owner's eyes only
    copied = sqlite_tables(backup)
    assert copied.keys() == before.keys()
    written = {name for name in after if after[name] != before[name]}
    for name in before.keys() - written:
        assert copied[name] == before[name], name
    for name in written:
        assert before[name][0] <= copied[name][0] <= after[name][0], name
    count, confirmed, seats_taken = registrations_on_seminar(backup, built.open_slug)
    assert started <= count <= during < len(made)  # taken in the middle of the writes
    assert confirmed == seats_taken == count  # a consistent moment, not a torn copy

    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes(backup.read_bytes())  # restoring is putting the file back in place
    env = site_env(f"sqlite:///{restored}", static_root, tmp_path)
    expected = sqlite_pending_message_ids(restored)
    assert built.pending_message_ids <= expected
    emails_sent_once(env, expected)
    site_checks(env, built)


def test_sqlite_backup_refuses_to_overwrite_the_live_database(tmp_path):
    live = tmp_path / "db.sqlite3"
    sqlite3.connect(live).close()

    with pytest.raises(BackupError) as refused:
        sqlite_backup(source=live, destination=tmp_path / "." / "db.sqlite3")

    assert str(refused.value) == "The backup must go to another file than the live database."


def test_backup_sqlite_on_postgresql_points_to_pg_dump(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "checks the command's answer on PostgreSQL; run with DATABASE_URL=postgres://..."
        )

    with pytest.raises(CommandError) as refused:
        call_command("backup_sqlite", tmp_path / "copy.sqlite3")

    assert "pg_dump" in str(refused.value)
    assert not (tmp_path / "copy.sqlite3").exists()
