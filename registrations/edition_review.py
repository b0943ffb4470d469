"""What an organiser checks on a new edition before publishing it: what was copied from the
earlier edition but may well have changed (title, dates, speakers, seats, who signs), and what
was deliberately left out (the meeting link). Each item names the field of the seminar's admin
page it is about, or the organiser page (`page`) where it is set."""

from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from seminar.models import Seminar, SessionSpeaker
from seminar.templatetags.seminar_tags import hkt_datetime

from .models import Survey


@dataclass(frozen=True)
class ReviewItem:
    text: str
    # The element of the seminar's change page it is about (an input's id or an inline's
    # group), so the message can link straight to it; "" when it is elsewhere.
    anchor: str = ""
    # Elsewhere: the organiser page it is about, by name ("survey"); the admin knows its URL.
    page: str = ""


def edition_review(*, source: Seminar | None, copy: Seminar) -> list[ReviewItem]:
    """The review list, in the active language, in the order of the change page. `source` may
    be None (deleted since): the items about it are then worded without it."""
    items = [
        ReviewItem(
            gettext(
                "Check the title in every language: it is the earlier edition's, with its year "
                "moved on where it had one."
            ),
            "id_title_en",
        ),
        _join_details(source),
    ]
    items.append(_registration_dates(copy))
    items += _speakers(copy)
    items.append(_capacity(source, copy))
    items += _signatory(copy)
    items += _survey(copy)
    items.append(
        ReviewItem(
            gettext("The new edition is a draft: publish it when everything above is right."),
            "id_status",
        )
    )
    return items


def _join_details(source: Seminar | None) -> ReviewItem:
    if source is not None and source.format == Seminar.Format.IN_PERSON and not source.join_url:
        text = gettext(
            "Set a join link and joining instructions if this edition is also online: none "
            "were copied."
        )
    else:
        text = gettext(
            "Set the join link and joining instructions: the earlier edition's were not "
            "copied, so no old meeting link reaches this edition's registrants."
        )
    return ReviewItem(text, "id_join_url")


def _registration_dates(copy: Seminar) -> ReviewItem:
    if copy.registration_opens_at is None and copy.registration_closes_at is None:
        text = gettext(
            "Registration has no dates: it opens when the seminar is published and closes when "
            "it starts."
        )
    else:
        text = gettext(
            "Check the registration dates, moved with the seminar: opens %(opens)s, closes "
            "%(closes)s."
        ) % {
            "opens": hkt_datetime(copy.registration_opens_at) or gettext("on publishing"),
            "closes": hkt_datetime(copy.closes_at),
        }
    # The date half of the split date and time input.
    return ReviewItem(text, "id_registration_opens_at_0")


def _speakers(copy: Seminar) -> list[ReviewItem]:
    count = (
        SessionSpeaker.objects.filter(session__seminar=copy).values("speaker_id").distinct().count()
    )
    if not count:
        return []
    text = ngettext(
        "Check that the programme's speaker is still confirmed: the sessions have the "
        "earlier edition's speaker, at the same times of day.",
        "Check that the programme's %(count)d speakers are still confirmed: the sessions have "
        "the earlier edition's speakers, at the same times of day.",
        count,
    ) % {"count": count}
    return [ReviewItem(text, "sessions-group")]


def _capacity(source: Seminar | None, copy: Seminar) -> ReviewItem:
    if copy.is_hybrid:
        return _hybrid_capacity(source, copy)
    if copy.capacity is None:
        text = gettext("Check the capacity: no limit, as last time.")
    elif source is None:
        text = gettext("Check the capacity: %(capacity)d seats, as last time.") % {
            "capacity": copy.capacity
        }
    else:
        text = ngettext(
            "Check the capacity: %(capacity)d seats, as last time, when %(confirmed)d "
            "registration was confirmed.",
            "Check the capacity: %(capacity)d seats, as last time, when %(confirmed)d "
            "registrations were confirmed.",
            source.seats_taken,
        ) % {"capacity": copy.capacity, "confirmed": source.seats_taken}
    return ReviewItem(text, "id_capacity")


def _hybrid_capacity(source: Seminar | None, copy: Seminar) -> ReviewItem:
    """A hybrid seminar's room and online seats, each with what the earlier edition filled."""

    def seats(capacity: int | None) -> str:
        return gettext("no limit") if capacity is None else str(capacity)

    text = gettext("Check the seats, as last time: %(room)s in the room and %(online)s online.") % {
        "room": seats(copy.capacity),
        "online": seats(copy.online_capacity),
    }
    if source is not None:
        text += " " + gettext(
            "The earlier edition confirmed %(room)d in the room and %(online)d online."
        ) % {"room": source.seats_taken, "online": source.online_seats_taken}
    return ReviewItem(text, "id_capacity")


def _signatory(copy: Seminar) -> list[ReviewItem]:
    if not copy.certificates_enabled:
        return []
    if copy.certificate_signatory_name:
        text = gettext("Check who signs the certificates: still %(name)s?") % {
            "name": copy.certificate_signatory_name
        }
    else:
        text = gettext("Name who signs the certificates of attendance.")
    return [ReviewItem(text, "id_certificate_signatory_name_en")]


def _survey(copy: Seminar) -> list[ReviewItem]:
    survey = Survey.objects.filter(seminar=copy).select_related("seminar").first()
    if survey is None:
        return []
    text = gettext(
        "Check the feedback survey's dates: it opens %(opens)s and closes %(closes)s."
    ) % {
        "opens": hkt_datetime(survey.effective_opens_at),
        "closes": hkt_datetime(survey.effective_closes_at),
    }
    return [ReviewItem(text, page="survey")]
