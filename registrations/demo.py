"""The reference event from shared/seed (the 2022 Guangdong/Hong Kong seminar) and an upcoming
edition with the same structure, for demos and local development.

Speakers and registrants are synthetic: the seed names the bodies and topics, not the people.
"""

import random
from collections import Counter
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from seminar.models import (
    AttendanceMode,
    Organisation,
    Seminar,
    SeminarPartner,
    Session,
    SessionSpeaker,
    Speaker,
)

from .demo_alerts import alerts_demo_load
from .demo_announcements import announcements_load
from .demo_certificates import certificates_demo_load
from .demo_checkins import checkins_demo_load
from .demo_editions import series_demo_load
from .demo_joins import demo_joins_load
from .demo_notices import change_notices_load
from .demo_past_hybrid import (
    PAST_HYBRID_ONLINE,
    PAST_HYBRID_ROOM,
    PAST_HYBRID_WEEKS_AGO,
    past_hybrid_registrations_load,
)
from .demo_questions import answers_load, questions_load
from .demo_surveys import survey_demo_load, viewer_demo_load
from .demo_webhooks import webhooks_demo_load
from .errors import RegistrationError
from .models import Notification, Registration
from .permissions import ORGANISERS, groups_ensure
from .services import registration_approve, registration_create, registration_decline

PAST_SLUG = "2022-gd-hk-ip-sme-seminar"
ORGANISER_USERNAME = "organiser"

TITLE = {
    "en": "{year} Guangdong/Hong Kong Seminar on Intellectual Property and Development of Small "
    "and Medium Enterprises (Online)",
    "zh_hant": "{year}粵港知識產權與中小企業發展研討會（網上）",
    "zh_hans": "{year}粤港知识产权与中小企业发展研讨会（线上）",
}
THEME = {
    "en": "Promoting the Development of Qianhai Shenzhen-Hong Kong Modern Service Industry and "
    "the Greater Bay Area through IP Trading",
    "zh_hant": "透過知識產權交易促進前海深港現代服務業及大灣區發展",
    "zh_hans": "通过知识产权交易促进前海深港现代服务业及大湾区发展",
}
DESCRIPTION = {
    "en": "The seminar keeps enterprises abreast of the innovation and technology ecosystem in "
    "Qianhai and of relevant IP court cases, and encourages them to use Hong Kong's professional "
    "services to formulate effective IP strategies, so that IP trading helps them expand their "
    "businesses nationwide and worldwide as the Guangdong-Hong Kong-Macao Greater Bay Area and "
    "the Cooperation Zone develop.\n\nIt is one of the key co-operation items under the framework "
    "of the Guangdong/Hong Kong Expert Group on the Protection of Intellectual Property Rights. "
    "Since 2004, Guangdong and Hong Kong have co-organised activities to promote the importance "
    "of IP protection and exploitation among SMEs.",
    "zh_hant": "研討會讓企業了解前海創新科技生態的發展及相關知識產權司法案例，"
    "並鼓勵企業善用香港的專業"
    "服務制定有效的知識產權策略，把握粵港澳大灣區及合作區的發展機遇，"
    "透過知識產權交易拓展全國及全球業務。"
    "\n\n研討會是粵港保護知識產權合作專責小組框架下的重點合作項目之一。自2004年起，粵港兩地合辦多項活動，"
    "向中小企業推廣保護和運用知識產權的重要性。",
    "zh_hans": "研讨会让企业了解前海创新科技生态的发展及相关知识产权司法案例，"
    "并鼓励企业善用香港的专业"
    "服务制定有效的知识产权策略，把握粤港澳大湾区及合作区的发展机遇，"
    "透过知识产权交易拓展全国及全球业务。"
    "\n\n研讨会是粤港保护知识产权合作专责小组框架下的重点合作项目之一。自2004年起，粤港两地合办多项活动，"
    "向中小企业推广保护和运用知识产权的重要性。",
}
# Shown after the join link (emails, the registrant's page), so they point at no place on the
# page: "the link below" would be wrong wherever they appear.
JOINING_INSTRUCTIONS = {
    "en": "Join from a computer or phone with your join link. Webinar ID: 912 3456 7890, "
    "passcode: 2022. Please join 10 minutes early and keep your microphone muted.",
    "zh_hant": "請使用電腦或手機經你的參與連結加入。網絡研討會編號：912 3456 7890，密碼：2022。"
    "請提前10分鐘加入並保持麥克風靜音。",
    "zh_hans": "请使用电脑或手机经你的参会链接加入。网络研讨会编号：912 3456 7890，密码：2022。"
    "请提前10分钟加入并保持麦克风静音。",
}
# Who answers registrants' questions; a made-up address and number.
ENQUIRIES = {
    "enquiries_name_en": "Seminar Secretariat, Intellectual Property Department",
    "enquiries_name_zh_hant": "知識產權署研討會秘書處",
    "enquiries_name_zh_hans": "知识产权署研讨会秘书处",
    "enquiries_email": "ip-seminar@example.gov.hk",
    "enquiries_phone": "+852 2100 2200",
}

# (key, English, Traditional, Simplified, short name, role)
ORGANISATIONS = [
    (
        "ipd",
        "Intellectual Property Department, HKSAR Government",
        "香港特別行政區政府知識產權署",
        "香港特别行政区政府知识产权署",
        "IPD",
        SeminarPartner.Role.ORGANISER,
    ),
    (
        "hktdc",
        "Hong Kong Trade Development Council",
        "香港貿易發展局",
        "香港贸易发展局",
        "HKTDC",
        SeminarPartner.Role.ORGANISER,
    ),
    (
        "gdamr",
        "Guangdong Administration for Market Regulation (Guangdong Intellectual Property "
        "Administration)",
        "廣東省市場監督管理局（知識產權局）",
        "广东省市场监督管理局（知识产权局）",
        "GDAMR",
        SeminarPartner.Role.ORGANISER,
    ),
    (
        "gdeto",
        "Hong Kong Economic and Trade Office in Guangdong, HKSAR Government",
        "香港特別行政區政府駐粵經濟貿易辦事處",
        "香港特别行政区政府驻粤经济贸易办事处",
        "GDETO",
        SeminarPartner.Role.CO_ORGANISER,
    ),
    (
        "expert_group",
        "Members of the Guangdong/Hong Kong Expert Group on the Protection of "
        "Intellectual Property Rights",
        "粵港保護知識產權合作專責小組成員",
        "粤港保护知识产权合作专责小组成员",
        "",
        SeminarPartner.Role.SUPPORTER,
    ),
    (
        "fhki",
        "Federation of Hong Kong Industries",
        "香港工業總會",
        "香港工业总会",
        "FHKI",
        SeminarPartner.Role.SUPPORTER,
    ),
]

# (minutes from start, minutes long, kind, English, Traditional, Simplified, speakers)
PROGRAMME = [
    (0, 15, Session.Kind.OPENING, "Welcome remarks", "致歡迎辭", "致欢迎辞", ["ipd", "gdamr"]),
    (
        15,
        25,
        Session.Kind.TALK,
        "Building Qianhai into a world-class IP protection region",
        "把前海打造成為世界一流的知識產權保護高地",
        "把前海打造成为世界一流的知识产权保护高地",
        ["gdamr"],
    ),
    (
        40,
        25,
        Session.Kind.TALK,
        "Notable IP court cases related to Hong Kong",
        "與香港相關的知識產權司法案例",
        "与香港相关的知识产权司法案例",
        ["lawyer"],
    ),
    (
        65,
        25,
        Session.Kind.TALK,
        "Points to note for enterprises in handling IP disputes",
        "企業處理知識產權糾紛的注意事項",
        "企业处理知识产权纠纷的注意事项",
        ["agent"],
    ),
    (
        90,
        25,
        Session.Kind.TALK,
        "Latest developments of IP and the original grant patent system in Hong Kong",
        "香港知識產權及原授專利制度的最新發展",
        "香港知识产权及原授专利制度的最新发展",
        ["ipd"],
    ),
    (
        115,
        30,
        Session.Kind.PANEL,
        "Professional IP arbitration and mediation services provided by Hong Kong",
        "香港的專業知識產權仲裁及調解服務",
        "香港的专业知识产权仲裁及调解服务",
        ["mediator", "lawyer", "hktdc"],
    ),
    (145, 5, Session.Kind.CLOSING, "Closing remarks", "閉幕辭", "闭幕辞", ["hktdc"]),
]

# key: (name_en, name_zh, honorific en, job title en/zh_hant/zh_hans, organisation key)
SPEAKERS = {
    "ipd": ("WONG Ka Yan", "黃嘉欣", "Ms", ("Assistant Director", "助理署長", "助理署长"), "ipd"),
    "gdamr": ("LIN Zhiqiang", "林志强", "Mr", ("Deputy Director", "副局長", "副局长"), "gdamr"),
    "hktdc": (
        "CHEUNG Wing Sze",
        "張詠詩",
        "Ms",
        ("Director, SME Services", "中小企服務總監", "中小企服务总监"),
        "hktdc",
    ),
    "lawyer": (
        "LEE Chi Keung",
        "李志強",
        "Mr",
        (
            "Partner, IP litigation (demo speaker)",
            "合夥人（知識產權訴訟）",
            "合伙人（知识产权诉讼）",
        ),
        None,
    ),
    "agent": (
        "CHEN Fang",
        "陈芳",
        "Dr",
        ("Patent attorney (demo speaker)", "專利代理師", "专利代理师"),
        None,
    ),
    "mediator": (
        "LAU Siu Ming",
        "劉小明",
        "Professor",
        ("Accredited mediator (demo speaker)", "認可調解員", "认可调解员"),
        None,
    ),
}

HONORIFICS = {
    "Mr": {"en": "Mr", "zh_hant": "先生", "zh_hans": "先生"},
    "Ms": {"en": "Ms", "zh_hant": "女士", "zh_hans": "女士"},
    "Dr": {"en": "Dr", "zh_hant": "博士", "zh_hans": "博士"},
    "Professor": {"en": "Professor", "zh_hant": "教授", "zh_hans": "教授"},
}
SURNAMES_HK = [
    ("CHAN", "陳"),
    ("WONG", "黃"),
    ("LEE", "李"),
    ("CHEUNG", "張"),
    ("LAU", "劉"),
    ("NG", "吳"),
    ("HO", "何"),
    ("LEUNG", "梁"),
    ("LAM", "林"),
    ("TANG", "鄧"),
]
GIVEN_HK = [
    ("Tai Man", "大文"),
    ("Siu Ming", "小明"),
    ("Ka Yan", "嘉欣"),
    ("Wing Sze", "詠詩"),
    ("Chi Keung", "志強"),
    ("Mei Ling", "美玲"),
    ("Ho Yin", "浩然"),
    ("Suk Yee", "淑儀"),
]
SURNAMES_MAINLAND = [
    ("CHEN", "陈"),
    ("HUANG", "黄"),
    ("LI", "李"),
    ("ZHANG", "张"),
    ("LIU", "刘"),
    ("WU", "吴"),
    ("HE", "何"),
    ("LIANG", "梁"),
    ("LIN", "林"),
    ("DENG", "邓"),
]
GIVEN_MAINLAND = [
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Jing", "静"),
    ("Lei", "磊"),
    ("Min", "敏"),
    ("Jun", "军"),
    ("Xiaoling", "晓玲"),
    ("Haoran", "浩然"),
]
ORGANISATION_WORDS = [
    "Pearl River",
    "Harbour",
    "Greater Bay",
    "Lion Rock",
    "Qianhai",
    "Golden Bauhinia",
    "Kowloon",
    "Nansha",
    "Victoria",
    "Lotus",
]
ORGANISATION_KINDS = {
    Registration.ParticipantType.SME: [
        "Trading Co. Ltd.",
        "Technology Ltd.",
        "Manufacturing Ltd.",
        "Design Studio Ltd.",
    ],
    Registration.ParticipantType.IP_PRACTITIONER: [
        "IP Law Firm",
        "Patent & Trade Mark Agency",
        "IP Consultancy",
    ],
    Registration.ParticipantType.GOVERNMENT: [
        "District IP Office",
        "Market Regulation Bureau",
        "Trade and Industry Office",
    ],
    Registration.ParticipantType.ACADEMIC: ["University", "Polytechnic Institute"],
    Registration.ParticipantType.OTHER: ["Chamber of Commerce", "Industry Association"],
}
PARTICIPANT_MIX = [
    (Registration.ParticipantType.SME, 46),
    (Registration.ParticipantType.IP_PRACTITIONER, 28),
    (Registration.ParticipantType.GOVERNMENT, 16),
    (Registration.ParticipantType.ACADEMIC, 6),
    (Registration.ParticipantType.OTHER, 4),
]
REGION_MIX = [
    (Registration.Region.HONG_KONG, 50),
    (Registration.Region.MAINLAND, 43),
    (Registration.Region.MACAO, 5),
    (Registration.Region.OTHER, 2),
]


def _translated(prefix: str, values: dict[str, str], **format_args: str) -> dict[str, str]:
    return {f"{prefix}_{language}": text.format(**format_args) for language, text in values.items()}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in weighted], weights=[w for _, w in weighted])[0]


def organisations_load() -> dict[str, Organisation]:
    organisations = {}
    for key, name_en, name_hant, name_hans, short_name, _role in ORGANISATIONS:
        organisations[key], _ = Organisation.objects.update_or_create(
            name_en=name_en,
            defaults={
                "name_zh_hant": name_hant,
                "name_zh_hans": name_hans,
                "short_name": short_name,
            },
        )
    return organisations


def speakers_load(organisations: dict[str, Organisation]) -> dict[str, Speaker]:
    speakers = {}
    for key, (name_en, name_zh, honorific, job_titles, organisation_key) in SPEAKERS.items():
        speakers[key], _ = Speaker.objects.update_or_create(
            name_en=name_en,
            defaults={
                "name_zh": name_zh,
                **_translated("honorific", HONORIFICS[honorific]),
                **_translated(
                    "job_title", dict(zip(("en", "zh_hant", "zh_hans"), job_titles, strict=True))
                ),
                "organisation": organisations.get(organisation_key) if organisation_key else None,
            },
        )
    return speakers


def seminar_load(
    *,
    slug: str,
    starts_at: datetime,
    capacity: int,
    status: str,
    registration_opens_at: datetime,
    organisations: dict[str, Organisation],
    speakers: dict[str, Speaker],
) -> tuple[Seminar, bool]:
    """Create the seminar with its programme, or return the existing one untouched."""
    existing = Seminar.objects.filter(slug=slug).first()
    if existing:
        if not existing.enquiries_contact:
            # Loaded before seminars had a contact: give it one, so the demo shows where it goes.
            Seminar.objects.filter(pk=existing.pk).update(**ENQUIRIES)
            existing.refresh_from_db()
        return existing, False
    year = str(timezone.localtime(starts_at).year)
    seminar = Seminar.objects.create(
        slug=slug,
        **_translated("title", TITLE, year=year),
        **_translated("theme", THEME),
        **_translated("description", DESCRIPTION),
        **_translated("joining_instructions", JOINING_INSTRUCTIONS),
        format=Seminar.Format.ONLINE,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=150),
        join_url=f"https://webinar.example.com/j/91234567890?seminar={slug}",
        capacity=capacity,
        waitlist_enabled=True,
        registration_opens_at=registration_opens_at,
        registration_closes_at=starts_at - timedelta(hours=2),
        status=status,
        **ENQUIRIES,
    )
    for order, (key, *_names, role) in enumerate(ORGANISATIONS):
        SeminarPartner.objects.create(
            seminar=seminar, organisation=organisations[key], role=role, order=order
        )
    for order, (offset, length, kind, title_en, title_hant, title_hans, speaker_keys) in enumerate(
        PROGRAMME
    ):
        session = Session.objects.create(
            seminar=seminar,
            kind=kind,
            order=order,
            title_en=title_en,
            title_zh_hant=title_hant,
            title_zh_hans=title_hans,
            starts_at=starts_at + timedelta(minutes=offset),
            ends_at=starts_at + timedelta(minutes=offset + length),
        )
        for position, key in enumerate(speaker_keys):
            if kind == Session.Kind.PANEL:
                role = (
                    SessionSpeaker.Role.MODERATOR
                    if position == 0
                    else SessionSpeaker.Role.PANELLIST
                )
            else:
                role = SessionSpeaker.Role.SPEAKER
            SessionSpeaker.objects.create(
                session=session, speaker=speakers[key], role=role, order=position
            )
    return seminar, True


def registrant_data(rng: random.Random, number: int) -> dict:
    participant_type = _pick(rng, PARTICIPANT_MIX)
    region = _pick(rng, REGION_MIX)
    mainland = region == Registration.Region.MAINLAND
    surname = rng.choice(SURNAMES_MAINLAND if mainland else SURNAMES_HK)
    given = rng.choice(GIVEN_MAINLAND if mainland else GIVEN_HK)
    organisation = (
        f"{rng.choice(ORGANISATION_WORDS)} {rng.choice(ORGANISATION_KINDS[participant_type])}"
    )
    if mainland:
        language = Registration.Language.ZH_HANS
    else:
        language = rng.choice(
            [Registration.Language.ZH_HANT, Registration.Language.ZH_HANT, Registration.Language.EN]
        )
    industry = {
        Registration.ParticipantType.IP_PRACTITIONER: Registration.Industry.PROFESSIONAL,
        Registration.ParticipantType.GOVERNMENT: Registration.Industry.PUBLIC,
        Registration.ParticipantType.ACADEMIC: Registration.Industry.EDUCATION,
    }.get(participant_type) or rng.choice(list(Registration.Industry.values))
    return {
        "salutation": rng.choice(list(Registration.Salutation.values)),
        "name_en": f"{surname[0]} {given[0]}",
        "name_zh": surname[1] + given[1] if rng.random() < 0.8 else "",
        "email": f"participant{number:04d}@example.com",
        "phone": f"+852 {rng.randint(2000, 9999)} {rng.randint(1000, 9999)}"
        if rng.random() < 0.6
        else "",
        "organisation": organisation,
        "job_title": rng.choice(
            ["Director", "Manager", "Legal Counsel", "Officer", "Engineer", "Partner"]
        ),
        "participant_type": participant_type,
        "organisation_size": rng.choice(list(Registration.OrganisationSize.values))
        if participant_type == Registration.ParticipantType.SME
        else "",
        "region": region,
        "industry": industry,
        "preferred_language": language,
        "heard_from": rng.choice(list(Registration.HeardFrom.values)),
        "news_opt_in": rng.random() < 0.4,
        "consent_version": settings.PICS_VERSION,
    }


def past_registrations_load(seminar: Seminar, count: int, rng: random.Random) -> int:
    """The 2022 sign-ups, written directly: the event is over, so no booking rule applies."""
    registrations = []
    for number in range(count):
        data = registrant_data(rng, number)
        cancelled = rng.random() < 0.04
        consent_at = seminar.registration_opens_at + timedelta(minutes=rng.randint(0, 60 * 24 * 20))
        attended = None if cancelled else rng.random() < 0.86
        registrations.append(
            Registration(
                seminar=seminar,
                **data,
                status=Registration.Status.CANCELLED
                if cancelled
                else Registration.Status.CONFIRMED,
                consent_at=consent_at,
                confirmed_at=consent_at,
                cancelled_at=consent_at + timedelta(days=1) if cancelled else None,
                attended=attended,
                minutes_online=rng.randint(20, 150) if attended else None,
            )
        )
    Registration.objects.bulk_create(registrations)
    # Arrival times as they were in 2022, so the dashboard's registrations-per-day has a shape.
    for registration in registrations:
        registration.created_at = registration.consent_at
    Registration.objects.bulk_update(registrations, ["created_at"])
    confirmed = sum(
        1 for registration in registrations if registration.status == Registration.Status.CONFIRMED
    )
    Seminar.objects.filter(pk=seminar.pk).update(seats_taken=confirmed)
    return len(registrations)


def upcoming_registrations_load(seminar: Seminar, count: int, rng: random.Random) -> int:
    """Early sign-ups for the next edition, through the booking service like real ones.

    Their confirmation emails are marked as not sent: synthetic people get no mail.
    """
    created = 0
    for number in range(count):
        data = registrant_data(rng, 5000 + number)
        try:
            registration_create(seminar=seminar, data=data, source=Registration.Source.WEB)
        except RegistrationError:
            continue
        created += 1
    Notification.objects.filter(registration__seminar=seminar).update(
        status=Notification.Status.SKIPPED
    )
    # Spread the sign-ups over the week since registration opened.
    now = timezone.now()
    for registration in seminar.registrations.all():
        arrived = now - timedelta(minutes=rng.randint(0, 60 * 24 * 7))
        Registration.objects.filter(pk=registration.pk).update(
            created_at=arrived, consent_at=arrived, confirmed_at=arrived
        )
    return created


# The second upcoming seminar: hybrid (a room in Hong Kong and online), screened by the organisers.
HYBRID_TITLE = {
    "en": "{year} IP Trading Workshop for SMEs (Hong Kong and online)",
    "zh_hant": "{year}中小企知識產權交易工作坊（香港及網上）",
    "zh_hans": "{year}中小企业知识产权交易工作坊（香港及线上）",
}
HYBRID_THEME = {
    "en": "Valuing, licensing and trading your intellectual property",
    "zh_hant": "知識產權的估值、授權及交易",
    "zh_hans": "知识产权的估值、许可及交易",
}
HYBRID_VENUE = {
    "en": "Room S421, Hong Kong Convention and Exhibition Centre, 1 Expo Drive, Wan Chai, "
    "Hong Kong",
    "zh_hant": "香港灣仔博覽道1號香港會議展覽中心S421室",
    "zh_hans": "香港湾仔博览道1号香港会议展览中心S421室",
}
HYBRID_ROOM_SEATS = 40
HYBRID_ONLINE_SEATS = 300
# (mode, applications, approved, declined): the rest of each mode's applications stay pending.
# More approvals than room seats put the last ones on the room's waitlist.
HYBRID_APPLICATIONS = [
    (AttendanceMode.IN_PERSON, 46, 42, 2),
    (AttendanceMode.ONLINE, 30, 24, 2),
]
DECLINE_NOTE = (
    "Thank you for your interest. The workshop is for small and medium enterprises and the "
    "places are limited; you are welcome to join the online seminar in the same series."
)


def hybrid_seminar_load(
    *,
    now: datetime,
    organisations: dict[str, Organisation],
    speakers: dict[str, Speaker],
) -> tuple[Seminar, bool]:
    """The hybrid, screened edition: 40 seats in a Hong Kong room and 300 online, registrations
    approved by the organisers. Returns the existing one untouched."""
    day = timezone.localtime(now).date() + timedelta(weeks=6)
    starts_at = datetime.combine(day, time(9, 30), tzinfo=timezone.get_default_timezone())
    return _hybrid_workshop_load(
        slug=f"{day.year}-ip-trading-workshop-hybrid",
        starts_at=starts_at,
        room=HYBRID_ROOM_SEATS,
        online=HYBRID_ONLINE_SEATS,
        registration_opens_at=now - timedelta(days=7),
        organisations=organisations,
        speakers=speakers,
        requires_approval=True,
        registration_closes_at=starts_at - timedelta(days=1),
    )


def past_hybrid_seminar_load(
    *, now: datetime, organisations: dict[str, Organisation], speakers: dict[str, Speaker]
) -> tuple[Seminar, bool]:
    """A hybrid workshop held a few weeks ago, inside the personal-data retention period, so its
    people, check-ins and certificates are there to see; its people come from
    demo_past_hybrid.py. Returns the existing one untouched."""
    day = timezone.localtime(now).date() - timedelta(weeks=PAST_HYBRID_WEEKS_AGO)
    starts_at = datetime.combine(day, time(9, 30), tzinfo=timezone.get_default_timezone())
    return _hybrid_workshop_load(
        # The month in the address keeps it apart from the upcoming workshop of the same year.
        slug=f"{day:%Y-%m}-ip-trading-workshop-hybrid",
        starts_at=starts_at,
        room=PAST_HYBRID_ROOM,
        online=PAST_HYBRID_ONLINE,
        registration_opens_at=starts_at - timedelta(days=30),
        organisations=organisations,
        speakers=speakers,
    )


def _hybrid_workshop_load(
    *,
    slug: str,
    starts_at: datetime,
    room: int,
    online: int,
    registration_opens_at: datetime,
    organisations: dict[str, Organisation],
    speakers: dict[str, Speaker],
    **extra,
) -> tuple[Seminar, bool]:
    """The IP trading workshop, in a Hong Kong room and online; `extra` sets more fields."""
    seminar, created = seminar_load(
        slug=slug,
        starts_at=starts_at,
        capacity=room,
        status=Seminar.Status.PUBLISHED,
        registration_opens_at=registration_opens_at,
        organisations=organisations,
        speakers=speakers,
    )
    if created:
        year = str(timezone.localtime(starts_at).year)
        Seminar.objects.filter(pk=seminar.pk).update(
            **_translated("title", HYBRID_TITLE, year=year),
            **_translated("theme", HYBRID_THEME),
            **_translated("venue", HYBRID_VENUE),
            format=Seminar.Format.HYBRID,
            online_capacity=online,
            **extra,
        )
        seminar.refresh_from_db()
    return seminar, created


def hybrid_registrations_load(seminar: Seminar, organiser, rng: random.Random) -> Counter:
    """Applications in each mode, through the booking services, then the organiser's decisions:
    some approved (the room fills and its waitlist starts), a few declined with a note, the rest
    still pending. Synthetic people get no mail. Returns the statuses made."""
    number = 7000
    for mode, applications, approved, declined in HYBRID_APPLICATIONS:
        made = []
        for _application in range(applications):
            data = {**registrant_data(rng, number), "attendance_mode": mode}
            number += 1
            try:
                made.append(registration_create(seminar=seminar, data=data))
            except RegistrationError:
                continue
        for registration in made[:approved]:
            registration_approve(registration=registration, actor=organiser)
        for registration in made[approved : approved + declined]:
            registration_decline(registration=registration, actor=organiser, message=DECLINE_NOTE)
    Notification.objects.filter(registration__seminar=seminar).update(
        status=Notification.Status.SKIPPED
    )
    # Applications arrived over the week since registration opened.
    now = timezone.now()
    for registration in seminar.registrations.all():
        arrived = now - timedelta(minutes=rng.randint(60 * 24, 60 * 24 * 7))
        Registration.objects.filter(pk=registration.pk).update(
            created_at=arrived, consent_at=arrived
        )
    return Counter(seminar.registrations.values_list("status", flat=True))


def organiser_load(password: str) -> tuple[str, bool]:
    groups_ensure()
    group = Group.objects.get(name=ORGANISERS)
    user, created = get_user_model().objects.get_or_create(
        username=ORGANISER_USERNAME, defaults={"is_staff": True, "email": "organiser@example.com"}
    )
    user.is_staff = True
    user.set_password(password)
    user.save()
    user.groups.add(group)
    return ORGANISER_USERNAME, created


@transaction.atomic
def demo_load(*, password: str, now: datetime | None = None) -> list[str]:
    """Load everything; safe to run again (existing seminars and their registrations are kept).

    Returns lines describing what it did.
    """
    now = now or timezone.now()
    rng = random.Random(2022)
    organisations = organisations_load()
    speakers = speakers_load(organisations)
    report = []

    past_start = datetime(2022, 8, 12, 14, 30, tzinfo=timezone.get_default_timezone())
    past, created = seminar_load(
        slug=PAST_SLUG,
        starts_at=past_start,
        capacity=300,
        status=Seminar.Status.PUBLISHED,
        registration_opens_at=past_start - timedelta(days=30),
        organisations=organisations,
        speakers=speakers,
    )
    if created:
        count = past_registrations_load(past, 285, rng)
        report.append(f"Created the 2022 seminar with {count} registrations.")
    else:
        report.append("The 2022 seminar was already loaded; left as it is.")

    next_day = timezone.localtime(now).date() + timedelta(weeks=4)
    next_start = datetime.combine(next_day, time(14, 30), tzinfo=timezone.get_default_timezone())
    upcoming, created = seminar_load(
        slug=f"{next_day.year}-gd-hk-ip-sme-seminar-online",
        starts_at=next_start,
        capacity=300,
        status=Seminar.Status.PUBLISHED,
        registration_opens_at=now - timedelta(days=7),
        organisations=organisations,
        speakers=speakers,
    )
    if created:
        count = upcoming_registrations_load(upcoming, 42, rng)
        report.append(
            f"Created the upcoming seminar on {next_day:%d %B %Y} with {count} registrations."
        )
    else:
        report.append(f"The upcoming seminar {upcoming.slug} was already loaded; left as it is.")
    # Its own questions, also for an edition loaded before seminars asked any; a generator of
    # its own, so the people drawn above stay the same.
    questions = questions_load(upcoming)
    answered = answers_load(upcoming, questions, random.Random(2026))
    if answered:
        report.append(f"Answered its {len(questions)} questions for {answered} registrations.")

    # Both reference seminars in one series, and last year's edition for the comparison.
    last_year = random.Random(2024)
    report += series_demo_load(
        upcoming=upcoming,
        past=past,
        now=now,
        person=lambda number: registrant_data(last_year, number),
        rng=last_year,
    )

    username, _ = organiser_load(password)
    hybrid, created = hybrid_seminar_load(now=now, organisations=organisations, speakers=speakers)
    if created:
        organiser = get_user_model().objects.get(username=username)
        statuses = hybrid_registrations_load(hybrid, organiser, random.Random(2026))
        report.append(
            f"Created the hybrid seminar {hybrid.slug} ({HYBRID_ROOM_SEATS} seats in the room, "
            f"{HYBRID_ONLINE_SEATS} online, registrations need approval): "
            + ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
            + "."
        )
        report.append(change_notices_load(seminar=hybrid, organiser=organiser, now=now))
    else:
        report.append(f"The hybrid seminar {hybrid.slug} was already loaded; left as it is.")
    # A seminar not yet open with people waiting to hear; the organiser's daily digest.
    organiser = get_user_model().objects.get(username=username)
    report += alerts_demo_load(now=now, main=upcoming, organiser=organiser)
    report += announcements_load(past=past, upcoming=upcoming, organiser=organiser, now=now)
    # Proof of attendance: a recent hybrid workshop had a room (check-ins) and a meeting.
    past_hybrid, created = past_hybrid_seminar_load(
        now=now, organisations=organisations, speakers=speakers
    )
    if created:
        people = random.Random(2025)
        report += past_hybrid_registrations_load(
            seminar=past_hybrid, person=lambda number: registrant_data(people, number), rng=people
        )
    else:
        report.append(f"The hybrid workshop {past_hybrid.slug} was already loaded.")
    report += demo_joins_load(past=past, rng=random.Random(14))  # personal join links
    report += demo_joins_load(past=past_hybrid, rng=random.Random(15))
    report.append(f"Demo organiser: {username}")
    report += checkins_demo_load(password=password, past=past_hybrid, rng=random.Random(14))
    # After the check-ins: the rule reads them (and the imported minutes).
    report += certificates_demo_load(seminar=past, organiser=organiser, now=now)
    report += certificates_demo_load(seminar=past_hybrid, organiser=organiser, now=now)
    # After the check-ins and imported minutes too: the survey asks those who attended.
    report += survey_demo_load(seminar=past_hybrid, rng=random.Random(16), now=now)
    report += viewer_demo_load(password=password)
    report += webhooks_demo_load(seminar=past)
    return report
