"""What the emails of one batch share, worked out once for the batch instead of once per email.

An announcement to 10,000 registrants is 10,000 emails that differ only in the greeting, the
personal links and details. message_build takes an EmailParts and asks it for the organiser's
opening paragraph, the programme, the seminar's address and the like; each is read or built the
first time it is asked for and kept for the rest of the batch. The registrations' own rows
(answers, waitlist positions) are read for the whole batch in one go, so a batch costs the same
few queries whatever its size.

A batch lasts seconds, so nothing here can go stale in a way that matters: an organiser's edit
reaches the next batch. Without a batch (a single email) message_build makes its own.

What depends on the seminar alone (its opening paragraphs, its programme, the pieces of the
templates rendered from them, see templatetags/email_parts.py) is also kept from one batch to the
next in the worker process, so that a lone confirmation does not read and render them again.
It is kept under the seminar's version: every value of its row as this batch read it, with a
digest of its sessions and opening paragraphs that one query reads for the whole batch (on
PostgreSQL; elsewhere they are kept for the batch only). Any change to them is a new version,
so the next email built shows it. The version is read before the values it covers, so a value
can only be newer than its version, never older.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.db import connection
from django.utils.translation import get_language

from seminar.models import Seminar, Session

from .answers import answers_in_words, registrations_answers
from .models import EmailText, Notification, Registration
from .selectors import waitlist_positions

# Seminar id -> (version, values): what outlives a batch, for the seminars emailed lately.
_lasting: OrderedDict[int, tuple[Hashable, dict[Hashable, Any]]] = OrderedDict()
LASTING_SEMINARS = 64


def _lasting_clear(**kwargs) -> None:
    # A setting (SITE_URL, the join link's opening) shows in the pieces too; tests change them.
    _lasting.clear()


setting_changed.connect(_lasting_clear)


def _contents_digests(seminar_ids: list[int]) -> dict[int, str]:
    """A digest of each seminar's sessions and opening paragraphs, in one query."""
    session = connection.ops.quote_name(Session._meta.db_table)
    email_text = connection.ops.quote_name(EmailText._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, "  # noqa: S608
            f"(SELECT md5(string_agg(x::text, '|' ORDER BY x.id)) FROM {session} x "
            "WHERE x.seminar_id = ids.id), "
            f"(SELECT md5(string_agg(x::text, '|' ORDER BY x.id)) FROM {email_text} x "
            "WHERE x.seminar_id = ids.id) FROM unnest(%s) AS ids(id)",
            [seminar_ids],
        )
        return {pk: f"{sessions}:{texts}" for pk, sessions, texts in cursor.fetchall()}


# The seat counters change with every booking and no kept piece shows them: left out of the
# version, or a rush of registrations would start every batch afresh. A piece that shows seats
# left must not be kept (nor be {% shared %} across batches).
COUNTERS = frozenset({"seats_taken", "online_seats_taken"})
_DIGESTED = [f.attname for f in Seminar._meta.concrete_fields if f.attname not in COUNTERS]


def _row_digest(seminar: Seminar) -> str:
    # The stored values, not the attributes: a translated field's attribute is the active
    # language's (modeltranslation), and each language's column is a field of its own.
    stored = vars(seminar)
    values = repr([stored.get(name) for name in _DIGESTED])
    return hashlib.blake2b(values.encode(), digest_size=16).hexdigest()


class EmailParts:
    def __init__(self, notifications: Iterable[Notification] = ()) -> None:
        self._registrations = {n.registration_id: n.registration for n in notifications}
        self._cache: dict[Hashable, Any] = {}
        self._seminars = {r.seminar_id: r.seminar for r in self._registrations.values()}
        self._versions: dict[int, Hashable] = {}

    def _version(self, seminar: Seminar) -> Hashable | None:
        if connection.vendor != "postgresql":
            return None
        if seminar.pk not in self._versions:
            ids = [seminar.pk, *(pk for pk in self._seminars if pk != seminar.pk)]
            ids = [pk for pk in ids if pk not in self._versions]
            for pk, digest in _contents_digests(ids).items():
                self._versions[pk] = digest
        # The row as this email reads it: the instance, not the table, which may be newer.
        return (_row_digest(seminar), self._versions[seminar.pk])

    def lasting(self, seminar: Seminar, key: Hashable, build: Callable[[], Any]) -> Any:
        """Like get, for a value that depends on nothing but the seminar (its row, sessions and
        opening paragraphs), the language and the key: kept across batches while the seminar's
        version stays the same."""
        # A batch's seminars come from one read: one version each for the batch.
        mine = self._seminars.get(seminar.pk) is not None
        versioned = ("version", seminar.pk) if mine else ("version", seminar.pk, id(seminar))
        version = self.get(versioned, lambda: self._version(seminar))
        if version is None:
            return self.get(key, build)
        entry = _lasting.get(seminar.pk)
        if entry is None or entry[0] != version:
            entry = _lasting[seminar.pk] = (version, {})
            while len(_lasting) > LASTING_SEMINARS:
                _lasting.popitem(last=False)
        values = entry[1]
        try:
            return values[key]
        except KeyError:
            value = values[key] = build()
            return value

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The value kept under `key`, built by `build()` the first time. Keys name what the
        value depends on: the seminar, the kind of email, the language when it is words."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = build()
            return value

    def _batch(self, registration: Registration) -> tuple[Hashable, list[Registration]]:
        """The registrations to read with this one, and the key they are kept under: the whole
        batch, or one registration outside it (a single email, a preview)."""
        if registration.pk in self._registrations:
            return "batch", list(self._registrations.values())
        return registration.pk, [registration]

    def intro(self, *, seminar: Seminar, kind: str) -> str:
        """The organiser's opening paragraph for this kind of email, in the active language."""
        text = self.lasting(
            seminar,
            ("email_text", kind),
            lambda: EmailText.objects.filter(seminar=seminar, kind=kind).first(),
        )
        return text.intro if text else ""

    def sessions(self, *, seminar: Seminar) -> list[Session]:
        return self.lasting(
            seminar,
            ("sessions",),
            lambda: list(seminar.sessions.order_by("starts_at", "order", "pk")),
        )

    def seminar_url(self, *, seminar: Seminar) -> str:
        # The address carries the language prefix, so it is one per language.
        return self.lasting(
            seminar,
            ("seminar_url", get_language()),
            lambda: settings.SITE_URL + seminar.get_absolute_url(),
        )

    def answers(self, *, registration: Registration) -> list[tuple[Any, str]]:
        """The registrant's answers in words, in the active language."""
        key, batch = self._batch(registration)
        by_registration = self.get(
            ("answers", key), lambda: registrations_answers(registrations=batch)
        )
        return answers_in_words(by_registration[registration.pk])

    def waitlist_position(self, *, registration: Registration) -> int | None:
        if registration.status != Registration.Status.WAITLISTED:
            return None
        key, batch = self._batch(registration)
        positions = self.get(
            ("waitlist_positions", key), lambda: waitlist_positions(registrations=batch)
        )
        return positions[registration.pk]
