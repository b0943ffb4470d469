"""Upgrading from the first release loses nothing (docs/backups.md, "Upgrades").

The first release is the state before the issues that followed it began (commit 72b748a, the
last of issue 11): seminar at 0003_enquiries_contact, registrations at 0008_name_in_either_language,
no api app. The test database is taken back to that schema, filled through the models as they
were then, and migrated to today's schema; every row keeps its values, the new columns get what
the migrations promise, and today's code works on the result.

The test database goes back to the current schema afterwards, whatever happened, so the tests
that follow run on it as usual.
"""

import secrets
from datetime import timedelta
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from registrations.models import Notification, Registration
from registrations.services import registration_create
from seminar.models import Seminar
from tests.factories import registration_data

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_RELEASE = [
    ("seminar", "0003_enquiries_contact"),
    ("registrations", "0008_name_in_either_language"),
]
# Apps that came later: absent from the first release's database.
LATER_APPS = [("api", None)]
OUR_APPS = {"seminar", "registrations"}
# Two batches of 0013's secrets and one row more.
CROWD = 2 * import_module("registrations.migrations.0013_proof_of_attendance").SECRETS_BATCH + 1


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def first_release_apps():
    """The test database at the first release's schema; yields its historical models."""
    try:
        executor = migrate(FIRST_RELEASE + LATER_APPS)
        yield executor.loader.project_state(FIRST_RELEASE).apps
    finally:
        migrate(latest())


def rows(apps) -> dict[str, list[dict]]:
    """Every row of our apps' tables, as the given models read them."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }


def first_release_data(apps) -> dict:
    """What a department held after running the first release for a while."""
    User = apps.get_model("auth", "User")
    Organisation = apps.get_model("seminar", "Organisation")
    Seminar_ = apps.get_model("seminar", "Seminar")
    SeminarPartner = apps.get_model("seminar", "SeminarPartner")
    Session = apps.get_model("seminar", "Session")
    Speaker = apps.get_model("seminar", "Speaker")
    SessionSpeaker = apps.get_model("seminar", "SessionSpeaker")
    Registration_ = apps.get_model("registrations", "Registration")
    Notification_ = apps.get_model("registrations", "Notification")
    EmailText = apps.get_model("registrations", "EmailText")
    AuditEntry = apps.get_model("registrations", "AuditEntry")

    now = timezone.now()
    organiser = User.objects.create(username="organiser", is_staff=True)
    ipd = Organisation.objects.create(
        name="Intellectual Property Department",
        name_en="Intellectual Property Department",
        name_zh_hant="知識產權署",
        name_zh_hans="知识产权署",
    )
    starts_at = (now + timedelta(days=30)).replace(microsecond=0)
    upcoming = Seminar_.objects.create(
        slug="2027-ip-sme",
        title="IP and SMEs 2027",
        title_en="IP and SMEs 2027",
        title_zh_hant="知識產權與中小企業研討會 2027",
        theme_en="IP trading",
        format="in_person",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        venue_en="Hong Kong Convention and Exhibition Centre",
        capacity=2,
        seats_taken=2,
        registration_opens_at=now - timedelta(days=3),
        status="published",
        reminder_hours="24",
        enquiries_email="ip@example.gov.hk",
        created_at=now,
        updated_at=now,
    )
    past_start = (now - timedelta(days=10)).replace(microsecond=0)
    past = Seminar_.objects.create(
        slug="2026-ip-sme",
        title_en="IP and SMEs 2026",
        format="online",
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=2),
        join_url="https://webinar.example.com/j/2026",
        capacity=None,
        seats_taken=1,
        status="published",
        created_at=now,
        updated_at=now,
    )
    SeminarPartner.objects.create(seminar=upcoming, organisation=ipd, role="organiser")
    session = Session.objects.create(
        seminar=upcoming,
        title_en="Keynote",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
    )
    speaker = Speaker.objects.create(name_en="CHEUNG Wai Man", name_zh="張偉文", organisation=ipd)
    SessionSpeaker.objects.create(session=session, speaker=speaker)
    EmailText.objects.create(seminar=upcoming, kind="confirmation", intro_en="See you there.")

    def registration(seminar, number, status, **fields):
        created_at = now - timedelta(hours=10 - number)
        return Registration_.objects.create(
            seminar=seminar,
            status=status,
            salutation="ms",
            name_en=f"CHAN Siu Ming {number}",
            name_zh="陳小明",
            email=f"siu.ming{number}@example.hk",
            organisation="Harbour Trading Co. Ltd.",
            participant_type="sme",
            organisation_size="small",
            region="hong_kong",
            industry="trading",
            preferred_language="zh-hant",
            heard_from="organiser_email",
            consent_at=created_at,
            consent_version="2026-11",
            token=secrets.token_urlsafe(32),  # as the first release made them
            created_at=created_at,
            updated_at=created_at,
            confirmed_at=created_at if status == "confirmed" else None,
            cancelled_at=now if status == "cancelled" else None,
            **fields,
        )

    confirmed = [registration(upcoming, n, "confirmed") for n in (1, 2)]
    waitlisted = [registration(upcoming, n, "waitlisted") for n in (3, 4)]
    registration(upcoming, 5, "cancelled", utm_source="newsletter", ref="HKTDC")
    attended = registration(past, 6, "confirmed", attended=True, minutes_online=95)
    # A seminar with more registrations than 0013 writes in one statement, so its batches are
    # crossed (each registration must still get its own link and code).
    crowd_start = (now - timedelta(days=400)).replace(microsecond=0)
    crowd = Seminar_.objects.create(
        slug="2025-ip-forum",
        title_en="IP Forum 2025",
        format="online",
        starts_at=crowd_start,
        ends_at=crowd_start + timedelta(hours=2),
        seats_taken=CROWD,
        status="published",
        created_at=now,
        updated_at=now,
    )
    Registration_.objects.bulk_create(
        Registration_(
            seminar=crowd,
            status="confirmed",
            name_en=f"GUEST {number}",
            email=f"guest{number}@example.hk",
            consent_at=crowd_start,
            consent_version="2026-11",
            token=secrets.token_urlsafe(32),
            created_at=crowd_start,
            updated_at=crowd_start,
            confirmed_at=crowd_start,
        )
        for number in range(CROWD)
    )
    start = int(upcoming.starts_at.timestamp())
    for person in confirmed:
        Notification_.objects.create(
            registration=person, kind="confirmation", status="sent", attempts=1, sent_at=now
        )
    reminder = Notification_.objects.create(
        registration=confirmed[0], kind="reminder", reminder_key="24h", status="sent", sent_at=now
    )
    pending = Notification_.objects.create(
        registration=waitlisted[1], kind="waitlisted", next_attempt_at=now
    )
    AuditEntry.objects.create(
        seminar=upcoming,
        registration=confirmed[0],
        actor=organiser,
        actor_label="organiser",
        action="registered",
        details={"source": "web"},
        created_at=now,
    )
    return {
        "upcoming": upcoming.pk,
        "past": past.pk,
        "confirmed": [person.pk for person in confirmed],
        "waitlisted": [person.pk for person in waitlisted],
        "attended": attended.pk,
        "reminder": reminder.pk,
        "reminder_key": f"24h@{start}",
        "pending": pending.pk,
    }


def test_migrating_the_first_releases_data_keeps_every_row_and_todays_code_works_on_it(
    first_release_apps, client
):
    made = first_release_data(first_release_apps)
    before = rows(first_release_apps)

    after = rows(migrate(latest()).loader.project_state().apps)

    for label, old_rows in before.items():
        assert [row["id"] for row in after[label]] == [row["id"] for row in old_rows], label
        for old, new in zip(old_rows, after[label], strict=True):
            changed = {name for name in old if new[name] != old[name]}
            if label == "registrations.Notification" and old["id"] == made["reminder"]:
                # 0012: a reminder's key names the start it was for, so it is not sent again.
                assert changed == {"reminder_key"}
                assert new["reminder_key"] == made["reminder_key"]
            else:
                assert changed == set(), (label, old["id"])
    registrations = Registration.objects.in_bulk()
    assert {registrations[pk].attendance_mode for pk in made["confirmed"]} == {"in_person"}
    assert registrations[made["attended"]].attendance_mode == "online"
    for pk in made["waitlisted"]:  # 0009: the waitlist keeps its booking order
        assert registrations[pk].waitlisted_at == registrations[pk].created_at
    # 0013: each registration gets its own join link and check-in code.
    assert len(registrations) > CROWD
    assert len({r.join_token for r in registrations.values()}) == len(registrations)
    assert len({r.checkin_code for r in registrations.values()}) == len(registrations)
    assert {(r.join_opens, r.source, r.reviewed_at) for r in registrations.values()} == {
        (0, "web", None)
    }
    seminar = Seminar.objects.get(pk=made["upcoming"])
    assert (seminar.requires_approval, seminar.online_seats_taken, seminar.seats_taken) == (
        False,
        0,
        2,
    )
    assert seminar.certificates_enabled is False
    assert Notification.objects.get(pk=made["pending"]).status == Notification.Status.PENDING

    # Today's code on the migrated data (in the same test: each migration down and up costs
    # half a minute).
    newcomer = registration_create(
        seminar=seminar, data=registration_data(email="newcomer@example.hk")
    )
    private = client.get(f"/r/{Registration.objects.get(pk=made['confirmed'][0]).token}/")
    form = client.get(f"/seminars/{seminar.slug}/register/")

    # Full, as it was: the newcomer waits behind the two who were waiting before the upgrade.
    assert newcomer.status == Registration.Status.WAITLISTED
    waiting = Registration.objects.filter(seminar=seminar, status=Registration.Status.WAITLISTED)
    assert list(waiting.order_by("waitlisted_at", "pk").values_list("pk", flat=True)) == [
        *made["waitlisted"],
        newcomer.pk,
    ]
    assert private.status_code == 200
    assert "CHAN Siu Ming 1" in private.content.decode()
    assert form.status_code == 200
