"""The demo's change notices: the hybrid workshop was postponed by a week (a typhoon was on its
way) and moved to a bigger room, and its registrants were told, each of what concerns them: the
new date for everyone confirmed or waitlisted, the new room only for those attending in it.

Loaded by demo.py when it creates the hybrid workshop. The notices go through the same service as
an organiser's save, so the outbox (Registrations › Emails) and the audit log show what a real
change leaves behind; synthetic people get no mail, so the notices are marked as sent then.
"""

from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser

from seminar.models import Seminar
from seminar.services import seminar_reschedule

from .change_notices import seminar_change_notify
from .models import EmailText, Notification
from .seminar_changes import seminar_snapshot

POSTPONED_BY = timedelta(weeks=1)
NEW_VENUE = {
    "en": "Lecture Theatre, Hong Kong Central Library, 66 Causeway Road, Causeway Bay, Hong Kong",
    "zh_hant": "香港銅鑼灣高士威道66號香港中央圖書館演講廳",
    "zh_hans": "香港铜锣湾高士威道66号香港中央图书馆演讲厅",
}
# The organisers' own opening paragraph for change notices, as they would write it.
WHY = {
    "en": "Typhoon signal No. 8 is expected on the day of the workshop, so we have postponed it "
    "by one week and moved it to a larger room. We are sorry for the inconvenience.",
    "zh_hant": "工作坊當日預計會懸掛八號颱風信號，因此我們把工作坊押後一星期，"
    "並改到較大的場地舉行。不便之處，敬請原諒。",
    "zh_hans": "工作坊当日预计会悬挂八号台风信号，因此我们把工作坊推迟一周，"
    "并改到较大的场地举行。不便之处，敬请原谅。",
}


def change_notices_load(*, seminar: Seminar, organiser: AbstractBaseUser, now: datetime) -> str:
    """Postpone `seminar` by a week into a new room and queue its change notices, as an
    organiser's save would. Returns a line for the demo's report."""
    seminar.refresh_from_db()
    before = seminar_snapshot(seminar=seminar)
    seminar_reschedule(
        seminar=seminar,
        starts_at=seminar.starts_at + POSTPONED_BY,
        ends_at=seminar.ends_at + POSTPONED_BY,
        move_programme=True,
    )
    Seminar.objects.filter(pk=seminar.pk).update(
        **{f"venue_{language}": venue for language, venue in NEW_VENUE.items()}
    )
    EmailText.objects.update_or_create(
        seminar=seminar,
        kind=Notification.Kind.SEMINAR_CHANGED,
        defaults={f"intro_{language}": text for language, text in WHY.items()},
    )
    outcome = seminar_change_notify(seminar=seminar, before=before, actor=organiser)
    Notification.objects.filter(
        registration__seminar=seminar, kind=Notification.Kind.SEMINAR_CHANGED
    ).update(status=Notification.Status.SENT, attempts=1, last_attempt_at=now, sent_at=now)
    return (
        f"Postponed {seminar.slug} by a week to a new room: {outcome.queued} change notices "
        f"in the outbox ({', '.join(f'{n} {s}' for s, n in sorted(outcome.by_status.items()))})."
    )
