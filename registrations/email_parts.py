"""What the emails of one batch share, worked out once for the batch instead of once per email.

An announcement to 10,000 registrants is 10,000 emails that differ only in the greeting, the
personal links and details. message_build takes an EmailParts and asks it for the organiser's
opening paragraph, the programme, the seminar's address and the like; each is read or built the
first time it is asked for and kept for the rest of the batch. The registrations' own rows
(answers, waitlist positions) are read for the whole batch in one go, so a batch costs the same
few queries whatever its size.

A batch lasts seconds, so nothing here can go stale in a way that matters: an organiser's edit
reaches the next batch. Without a batch (a single email) message_build makes its own.
"""

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from seminar.models import Seminar, Session

from .answers import answers_in_words, registrations_answers
from .models import EmailText, Notification, Registration
from .selectors import waitlist_positions


class EmailParts:
    def __init__(self, notifications: Iterable[Notification] = ()) -> None:
        self._registrations = {n.registration_id: n.registration for n in notifications}
        self._cache: dict[Hashable, Any] = {}

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
        text = self.get(
            ("email_text", seminar.pk, kind),
            lambda: EmailText.objects.filter(seminar=seminar, kind=kind).first(),
        )
        return text.intro if text else ""

    def sessions(self, *, seminar: Seminar) -> list[Session]:
        return self.get(
            ("sessions", seminar.pk),
            lambda: list(seminar.sessions.order_by("starts_at", "order", "pk")),
        )

    def seminar_url(self, *, seminar: Seminar) -> str:
        # The address carries the language prefix, so it is one per language.
        return self.get(
            ("seminar_url", seminar.pk, get_language()),
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
