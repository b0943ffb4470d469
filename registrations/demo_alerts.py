"""Demo data for "tell me when registration opens" and the organisers' daily digest: a seminar
whose registration opens in two weeks, with a few people waiting to hear, and the demo organiser
subscribed to the main seminar's digest. Synthetic addresses under example.com; nothing is sent
while loading."""

from datetime import datetime, time, timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from seminar.models import Seminar, SeminarPartner

from .digest import digest_subscribe
from .models import OpeningAlert

TITLE = {
    "en": "{year} IP Licensing Clinic for SMEs",
    "zh_hant": "{year}中小企知識產權授權診所",
    "zh_hans": "{year}中小企业知识产权许可诊所",
}
THEME = {
    "en": "Licensing your brand and technology across the Greater Bay Area",
    "zh_hant": "在大灣區授權你的品牌與技術",
    "zh_hans": "在大湾区许可你的品牌与技术",
}
VENUE = {
    "en": "Auditorium, Hong Kong Central Library, 66 Causeway Road, Causeway Bay, Hong Kong",
    "zh_hant": "香港銅鑼灣高士威道66號香港中央圖書館演講廳",
    "zh_hans": "香港铜锣湾高士威道66号香港中央图书馆演讲厅",
}
ENQUIRY_FIELDS = (
    "enquiries_name_en",
    "enquiries_name_zh_hant",
    "enquiries_name_zh_hans",
    "enquiries_email",
    "enquiries_phone",
)
# People who came too early, and the language each asked to be written to in.
WAITING = [
    ("ka.ming.lau@harbour-design.example.com", "zh-hant"),
    ("wei.zhang@qianhai-tech.example.com", "zh-hans"),
    ("siu.fan.cheung@example.com", "zh-hant"),
    ("j.mendes@macau-trading.example.com", "en"),
    ("li.na@nansha-ip.example.com", "zh-hans"),
]


def _translated(prefix: str, values: dict[str, str], year: str = "") -> dict[str, str]:
    return {f"{prefix}_{language}": text.format(year=year) for language, text in values.items()}


def not_yet_open_seminar_load(*, now: datetime, like: Seminar) -> tuple[Seminar, bool]:
    """The clinic, in person, ten weeks away, registration opening in two weeks; its enquiries
    contact and partners as `like` has them. Returns the existing one untouched."""
    day = timezone.localtime(now).date() + timedelta(weeks=10)
    slug = f"{day.year}-ip-licensing-clinic"
    existing = Seminar.objects.filter(slug=slug).first()
    if existing:
        return existing, False
    starts_at = datetime.combine(day, time(14, 30), tzinfo=timezone.get_default_timezone())
    seminar = Seminar.objects.create(
        slug=slug,
        **_translated("title", TITLE, year=str(day.year)),
        **_translated("theme", THEME),
        **_translated("venue", VENUE),
        format=Seminar.Format.IN_PERSON,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=60,
        registration_opens_at=now + timedelta(weeks=2),
        status=Seminar.Status.PUBLISHED,
        **{name: getattr(like, name) for name in ENQUIRY_FIELDS},
    )
    SeminarPartner.objects.bulk_create(
        SeminarPartner(
            seminar=seminar,
            organisation_id=partner.organisation_id,
            role=partner.role,
            order=partner.order,
        )
        for partner in like.partners.all()
    )
    return seminar, True


def alerts_demo_load(*, now: datetime, main: Seminar, organiser: AbstractBaseUser) -> list[str]:
    """Load it all; safe to run again. Returns lines describing what it did."""
    seminar, created = not_yet_open_seminar_load(now=now, like=main)
    OpeningAlert.objects.bulk_create(
        [
            OpeningAlert(seminar=seminar, email=email, language=language, consent_at=now)
            for email, language in WAITING
        ],
        ignore_conflicts=True,
    )
    digest_subscribe(user=organiser, seminar=main, language="en", now=now)
    report = [
        f"{'Created' if created else 'Kept'} {seminar.slug} (registration opens in two weeks) "
        f"with {seminar.opening_alerts.count()} people waiting to hear when it opens.",
        f"The demo organiser gets a daily digest of {main.slug}.",
    ]
    return report
