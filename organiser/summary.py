"""The post-event summary in words: the sentence an organiser pastes into a press release.

The figures come from registrations.selectors.seminar_event_summary; this module only phrases
them, with plurals and list separators in the active language.
"""

from django.utils.translation import gettext, ngettext, ngettext_lazy, pgettext
from django.utils.translation import gettext_lazy as _

from registrations.models import Registration
from registrations.selectors import EventSummary

PARTICIPANT_PHRASES = {
    Registration.ParticipantType.SME: ngettext_lazy(
        "%(count)d SME representative", "%(count)d SME representatives", "count"
    ),
    Registration.ParticipantType.IP_PRACTITIONER: ngettext_lazy(
        "%(count)d IP practitioner", "%(count)d IP practitioners", "count"
    ),
    Registration.ParticipantType.GOVERNMENT: ngettext_lazy(
        "%(count)d government official", "%(count)d government officials", "count"
    ),
    Registration.ParticipantType.ACADEMIC: ngettext_lazy(
        "%(count)d academic or student", "%(count)d academics or students", "count"
    ),
    Registration.ParticipantType.OTHER: ngettext_lazy(
        "%(count)d other participant", "%(count)d other participants", "count"
    ),
}
REGION_PHRASES = {
    Registration.Region.HONG_KONG: _("Hong Kong"),
    Registration.Region.MAINLAND: _("the Mainland"),
    Registration.Region.MACAO: _("Macao"),
    Registration.Region.OTHER: _("other places"),
}


def seminar_summary_headline(*, summary: EventSummary) -> str:
    """ "264 participants attended: 120 SME representatives, ... from Hong Kong, the Mainland
    and Macao." in the active language, ready to paste into a press release."""
    if summary.counted_attendance:
        lead = ngettext(
            "%(count)d participant attended",
            "%(count)d participants attended",
            summary.participants,
        )
    else:
        lead = ngettext(
            "%(count)d confirmed registration",
            "%(count)d confirmed registrations",
            summary.participants,
        )
    sentence = lead % {"count": summary.participants}
    types = [PARTICIPANT_PHRASES[row.value] % {"count": row.count} for row in summary.by_type]
    regions = [str(REGION_PHRASES[row.value]) for row in summary.by_region]
    if types:
        sentence = gettext("%(lead)s: %(types)s") % {"lead": sentence, "types": text_list(types)}
    if regions:
        sentence = gettext("%(sentence)s, from %(regions)s") % {
            "sentence": sentence,
            "regions": text_list(regions),
        }
    return gettext("%(sentence)s.") % {"sentence": sentence}


def text_list(items: list[str]) -> str:
    """ "a, b and c" in the active language ("a、b及c" in Chinese)."""
    if len(items) < 2:
        return "".join(items)
    separator = pgettext("separator between items of a list", ", ")
    return gettext("%(items)s and %(last)s") % {
        "items": separator.join(items[:-1]),
        "last": items[-1],
    }
