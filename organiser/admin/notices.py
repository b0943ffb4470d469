"""The seminar page's offer to tell registrants of a change, and what saving says it did.

The checkbox sits under the fields a change notice tells of; its label says how many confirmed
and waitlisted registrants a change could reach and its help text whom each part reaches; above
it, the organiser's opening paragraphs that will head the notices. After saving, the message
gives the number actually queued, which is what the outbox holds.
"""

import re

from django.contrib import messages
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from registrations.change_notices import NoticeOutcome
from registrations.models import EmailText, Notification, Registration
from registrations.seminar_changes import topics_named
from seminar.models import Seminar
from seminar.templatetags.seminar_tags import sentence_space

Kind = Notification.Kind

NOTIFY_DESCRIPTION = _(
    "Changing the start or end, the format, the venue or the join link of this "
    "seminar, or cancelling it, can email its registrants when you save, even while it "
    "is a draft."
)


def notice_intros(*, seminar: Seminar) -> dict[str, str]:
    """The organiser's opening paragraph for each notice kind that has one, in the active
    language (English where it is not translated, as registrants get it). One query."""
    texts = EmailText.objects.filter(
        seminar=seminar, kind__in=(Kind.SEMINAR_CHANGED, Kind.SEMINAR_CANCELLED)
    )
    return {text.kind: text.intro for text in texts if (text.intro or "").strip()}


def _where() -> str:
    # The heading of the seminar page's inline of email texts, as the organiser sees it.
    return capfirst(EmailText._meta.verbose_name_plural)


def _intro_html(kind: str, intro: str) -> str:
    if kind == Kind.SEMINAR_CHANGED:
        heads = gettext(
            "Every change notice opens with your paragraph for “%(kind)s” (registrants read it "
            "in their language):"
        )
        clear = gettext(
            "If it no longer fits this change, change or clear it under %(where)s below before "
            "saving."
        )
    else:
        heads = gettext("A cancellation notice opens with your paragraph for “%(kind)s”:")
        clear = gettext("Change or clear it under %(where)s below before saving.")
    return format_html(
        '<p>{}</p><blockquote class="notice-intro">{}</blockquote><p>{}</p>',
        heads % {"kind": Kind(kind).label},
        format_html_join(
            "", "<p>{}</p>", ((paragraph,) for paragraph in re.split(r"\n\s*\n", intro.strip()))
        ),
        clear % {"where": _where()},
    )


def notify_fieldset(intros: dict[str, str]) -> tuple:
    """The "Telling registrants" section: the checkbox, what it does, and the organiser's
    opening paragraphs that will head the notices. A paragraph written for an earlier change
    (a typhoon) heads every later notice too, so the organiser sees it before saving."""
    parts = [format_html("<p>{}</p>", NOTIFY_DESCRIPTION)]
    if Kind.SEMINAR_CHANGED in intros:
        parts.append(_intro_html(Kind.SEMINAR_CHANGED, intros[Kind.SEMINAR_CHANGED]))
    else:
        none = gettext(
            "Change notices have no opening paragraph of yours. To say why (a typhoon signal, a "
            "lost venue), write one for “%(kind)s” under %(where)s below before saving."
        )
        kind = Kind.SEMINAR_CHANGED.label
        parts.append(format_html("<p>{}</p>", none % {"kind": kind, "where": _where()}))
    if Kind.SEMINAR_CANCELLED in intros:
        parts.append(_intro_html(Kind.SEMINAR_CANCELLED, intros[Kind.SEMINAR_CANCELLED]))
    description = format_html_join("", "{}", ((part,) for part in parts))
    return (
        _("Telling registrants"),
        {"fields": ("notify_registrants",), "description": description},
    )


def notice_label(counts: dict[str, int]) -> str:
    """ "Tell the 263 confirmed and waitlisted registrants what changed"."""
    count = counts["change"]
    if not count:
        return gettext("Tell registrants what changed")
    return ngettext(
        "Tell the %(count)d confirmed or waitlisted registrant what changed",
        "Tell the %(count)d confirmed and waitlisted registrants what changed",
        count,
    ) % {"count": count}


def notice_help(counts: dict[str, int], *, screened: bool) -> str:
    """Whom each kind of change reaches, and what a cancellation does instead. Those awaiting
    approval are named only where there can be any (`screened`: the seminar screens, or some
    requests are still waiting after screening was switched off)."""
    cancellation = counts["cancellation"]
    if screened:
        cancelling = ngettext(
            "If you set the status to cancelled, %(count)d registrant, including any "
            "awaiting approval, is emailed a cancellation instead.",
            "If you set the status to cancelled, all %(count)d registrants, including "
            "those awaiting approval, are emailed a cancellation instead.",
            cancellation,
        )
    else:
        cancelling = ngettext(
            "If you set the status to cancelled, the %(count)d registrant is emailed a "
            "cancellation instead.",
            "If you set the status to cancelled, all %(count)d registrants are emailed a "
            "cancellation instead.",
            cancellation,
        )
    # No space after "。" in Chinese.
    return sentence_space().join(
        [
            gettext(
                "Each hears only what concerns them: the join link goes only to confirmed "
                "registrants attending online, a new venue only to those in the room."
            ),
            cancelling % {"count": cancellation},
            gettext("Untick this to save without emailing anyone."),
        ]
    )


def _by_status(by_status: dict[str, int]) -> str:
    separator = pgettext("separator between items of a list", ", ")
    colon = pgettext("between a label and its value", ": ")
    labels = dict(Registration.Status.choices)
    return separator.join(
        f"{labels[status]}{colon}{count}"
        for status, count in sorted(by_status.items(), key=lambda item: list(labels).index(item[0]))
    )


def notice_report(outcome: NoticeOutcome) -> tuple[str, int] | None:
    """The message (and its level) that tells the organiser what saving told registrants."""
    if outcome.kind is None:
        return None
    topics = topics_named(outcome.topics)
    cancelled = outcome.kind == Kind.SEMINAR_CANCELLED
    if outcome.withheld:
        if cancelled:
            return gettext(
                "Nobody was emailed about the cancellation, as you chose."
            ), messages.WARNING
        message = gettext("Nobody was emailed about this change (%(topics)s), as you chose.")
        return message % {"topics": topics}, messages.WARNING
    if not outcome.queued:
        message = gettext(
            "Nobody needed to be emailed about this change (%(topics)s): it concerns none of "
            "the registrants."
        )
        return message % {"topics": topics}, messages.INFO
    if cancelled:
        message = ngettext(
            "%(count)d registrant will be emailed that the seminar is cancelled (%(statuses)s).",
            "%(count)d registrants will be emailed that the seminar is cancelled (%(statuses)s).",
            outcome.queued,
        )
    else:
        message = ngettext(
            "%(count)d registrant will be emailed what changed (%(topics)s) and what concerns "
            "them (%(statuses)s).",
            "%(count)d registrants will be emailed what changed (%(topics)s), each what concerns "
            "them (%(statuses)s).",
            outcome.queued,
        )
    values = {"count": outcome.queued, "topics": topics, "statuses": _by_status(outcome.by_status)}
    return message % values, messages.SUCCESS
