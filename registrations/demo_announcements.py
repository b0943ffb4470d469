"""The demo's announcements, in three languages: one sent after the 2022 seminar to those who
attended (its emails marked delivered); for the upcoming seminar one sent with the
join link to the confirmed registrants (two of its emails failed, so the list shows progress and
"send failed emails again" really sends them: that seminar's registrants are not purged the way
the 2022 seminar's are), one scheduled and one draft. Loaded by demo.py through the same
services the admin calls; safe to run again."""

from datetime import datetime, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Q

from seminar.models import Seminar

from .announcements import announcement_queue, announcement_schedule
from .models import Announcement, Notification

NotificationStatus = Notification.Status
FAILED_AT_MOST = 2

SLIDES = {
    "subject_en": "Slides and recording of {seminar}",
    "subject_zh_hant": "{seminar}：簡報及錄影",
    "subject_zh_hans": "{seminar}：演示文稿及录像",
    "body_en": (
        "Thank you for attending {seminar} on {date}.\n\n"
        "The speakers' slides and the recording are now online:\n"
        "https://example.org/seminars/2022/slides\n\n"
        "We would be glad to hear what you thought of it."
    ),
    "body_zh_hant": (
        "多謝你於{date}出席{seminar}。\n\n"
        "講者簡報及研討會錄影現已上載：\n"
        "https://example.org/seminars/2022/slides\n\n"
        "歡迎提出意見。"
    ),
    "body_zh_hans": (
        "感谢你于{date}出席{seminar}。\n\n"
        "演讲嘉宾的演示文稿及研讨会录像现已上传：\n"
        "https://example.org/seminars/2022/slides\n\n"
        "欢迎提出意见。"
    ),
}
PANEL = {
    "subject_en": "Send us your questions for the panel",
    "subject_zh_hant": "歡迎預先提交問題",
    "subject_zh_hans": "欢迎预先提交问题",
    "body_en": (
        "The panel discussion at {seminar} ({date}) will take questions sent in advance.\n"
        "Reply to this email with yours by the day before.\n\n"
        "Your registration: {manage_link}"
    ),
    "body_zh_hant": (
        "{seminar}（{date}）的專題討論將回答預先提交的問題。\n"
        "請於研討會前一天回覆本電郵提交問題。\n\n"
        "你的登記：{manage_link}"
    ),
    "body_zh_hans": (
        "{seminar}（{date}）的专题讨论将回答预先提交的问题。\n"
        "请于研讨会前一天回复本电子邮件提交问题。\n\n"
        "你的报名：{manage_link}"
    ),
}
JOINING = {
    "subject_en": "How to join {seminar}",
    "subject_zh_hant": "如何參與{seminar}",
    "subject_zh_hans": "如何参加{seminar}",
    "body_en": (
        "{seminar} starts on {date}.\n\n"
        "Join here: {join_link}\n"
        "Please join ten minutes early to check your sound and video."
    ),
    "body_zh_hant": (
        "{seminar}將於{date}舉行。\n\n參與連結：{join_link}\n請提早十分鐘進入，檢查音訊及視像。"
    ),
    "body_zh_hans": (
        "{seminar}将于{date}举行。\n\n参会链接：{join_link}\n请提前十分钟进入，检查音频和视频。"
    ),
}
# The email already greets the reader ("Dear ...,"): the text starts with what is news.
NEXT_YEAR = {
    "subject_en": "Save the date: next year's seminar on IP and SMEs",
    "subject_zh_hant": "預留日期：明年的知識產權與中小企業研討會",
    "subject_zh_hans": "预留日期：明年的知识产权与中小企业研讨会",
    "body_en": (
        "Thank you for your interest in {seminar}. Next year's seminar will be held in the "
        "autumn; registration opens in the summer."
    ),
    "body_zh_hant": "多謝你關注{seminar}。明年的研討會將於秋季舉行，登記將於夏季開始。",
    "body_zh_hans": "感谢你关注{seminar}。明年的研讨会将于秋季举行，报名将于夏季开始。",
}


def announcements_load(
    *, past: Seminar, upcoming: Seminar, organiser: AbstractBaseUser, now: datetime
) -> list[str]:
    """Load the four announcements unless the seminars have some already."""
    if Announcement.objects.filter(seminar__in=(past, upcoming)).exists():
        return ["The demo announcements were already loaded; left as they are."]
    sent = Announcement.objects.create(
        seminar=past,
        audience={"statuses": ["confirmed"], "attendance": ["attended"]},
        created_by=organiser,
        **SLIDES,
    )
    count = announcement_queue(announcement=sent, actor=organiser, now=now)
    _delivered(sent, now, failed_at_most=0)
    joining = Announcement.objects.create(
        seminar=upcoming,
        audience={"statuses": ["confirmed"]},
        created_by=organiser,
        **JOINING,
    )
    joined = announcement_queue(announcement=joining, actor=organiser, now=now)
    _delivered(joining, now, failed_at_most=FAILED_AT_MOST)
    scheduled = Announcement.objects.create(
        seminar=upcoming,
        audience={"statuses": ["confirmed", "waitlisted"]},
        created_by=organiser,
        **PANEL,
    )
    announcement_schedule(announcement=scheduled, send_at=now + timedelta(days=5), now=now)
    Announcement.objects.create(
        seminar=upcoming,
        purpose=Announcement.Purpose.NEWS,
        created_by=organiser,
        **NEXT_YEAR,
    )
    return [
        f"Announcements: one sent to {count} attendees of the 2022 seminar; for the upcoming "
        f"seminar one sent to {joined} confirmed registrants ({FAILED_AT_MOST} failed, to "
        "send again), one scheduled and one draft."
    ]


def _delivered(announcement: Announcement, now: datetime, *, failed_at_most: int) -> None:
    """Its emails as if the workers had sent them, but for the first few, which the mail server
    refused."""
    rows = Notification.objects.filter(announcement=announcement)
    failed = list(rows.order_by("pk").values_list("pk", flat=True)[:failed_at_most])
    rows.filter(pk__in=failed).update(
        status=NotificationStatus.FAILED,
        attempts=6,
        last_attempt_at=now,
        next_attempt_at=None,
        last_error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable",
    )
    rows.filter(~Q(pk__in=failed)).update(
        status=NotificationStatus.SENT,
        attempts=1,
        last_attempt_at=now,
        next_attempt_at=None,
        sent_at=now,
    )
