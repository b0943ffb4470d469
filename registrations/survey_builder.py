"""A seminar's feedback survey started (empty, or with the usual government evaluation
questions in the three languages, which organisers then edit like any others), and each
download of its responses recorded.

The questions are organiser content (one column per language), not interface text: they are
written here in all three languages rather than through the catalogues, so an organiser can
change any wording in the admin. The labels carry no "(1: not useful, 5: very useful)": the
scale's own end words ("Poor" … "Excellent", "Not at all likely" … "Extremely likely") say what
the ends mean, in the respondent's language, and two sets of end words would disagree.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from seminar.models import Seminar, Session

from .audit import audit_record
from .errors import RegistrationError
from .models import AuditEntry, Survey, SurveyOption, SurveyQuestion

Kind = SurveyQuestion.Kind
SURVEY_ALREADY = _("This seminar has a feedback survey already: edit that one.")

# (kind, required, label, headline words, options) with every text as (en, zh_hant, zh_hans).
USUAL_QUESTIONS = [
    (
        Kind.RATING,
        True,
        (
            "Overall, how useful did you find the seminar?",
            "整體而言，你認為研討會有用嗎？",
            "整体而言，你认为研讨会有用吗？",
        ),
        ("found the seminar useful", "認為研討會有用", "认为研讨会有用"),
        (),
    ),
    (
        Kind.CHOICE,
        False,
        (
            "Which topic did you find the most interesting?",
            "你認為哪個題目最有趣？",
            "你认为哪个题目最有趣？",
        ),
        ("", "", ""),
        (),  # the seminar's talks and panels, filled in by survey_create
    ),
    (
        Kind.MULTIPLE,
        False,
        (
            "Which topics would you like next year's seminar to cover?",
            "你希望明年的研討會涵蓋哪些題目？",
            "你希望明年的研讨会涵盖哪些题目？",
        ),
        ("", "", ""),
        (
            ("Patents", "專利", "专利"),
            ("Trade marks", "商標", "商标"),
            ("Copyright", "版權", "版权"),
            ("Registered designs", "註冊外觀設計", "注册外观设计"),
            ("IP licensing and trading", "知識產權授權及貿易", "知识产权授权及贸易"),
            ("IP financing", "知識產權融資", "知识产权融资"),
            ("Cross-boundary IP protection", "跨境知識產權保護", "跨境知识产权保护"),
        ),
    ),
    (
        Kind.RECOMMEND,
        True,
        (
            "How likely are you to recommend this seminar to a friend or colleague?",
            "你向朋友或同事推薦這個研討會的可能性有多大？",
            "你向朋友或同事推荐这个研讨会的可能性有多大？",
        ),
        ("", "", ""),
        (),
    ),
    (
        Kind.LONG_TEXT,
        False,
        (
            "Any other comments or suggestions?",
            "其他意見或建議？",
            "其他意见或建议？",
        ),
        ("", "", ""),
        (),
    ),
]
# The programme's sessions that make a "most interesting topic" option.
TOPIC_SESSION_KINDS = (Session.Kind.TALK, Session.Kind.PANEL)
# Offered when the programme has no talks yet: the organiser replaces it with the topics.
TOPIC_PLACEHOLDER = ("The seminar's main topic", "研討會的主要題目", "研讨会的主要题目")


def _texts(field: str, texts: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip((f"{field}_en", f"{field}_zh_hant", f"{field}_zh_hans"), texts, strict=True))


def _topics(seminar: Seminar) -> list[tuple[str, str, str]]:
    sessions = seminar.sessions.filter(kind__in=TOPIC_SESSION_KINDS).order_by(
        "starts_at", "order", "pk"
    )
    topics = [
        (session.title_en or session.title, session.title_zh_hant, session.title_zh_hans)
        for session in sessions
    ]
    return topics or [TOPIC_PLACEHOLDER]


@transaction.atomic
def survey_create(*, seminar: Seminar, usual_questions: bool) -> Survey:
    """The seminar's survey with the default settings (opens when the seminar ends, asks those
    who attended), and the usual questions if asked for. Refused if it has one already."""
    if Survey.objects.filter(seminar=seminar).exists():
        raise RegistrationError(SURVEY_ALREADY)
    survey = Survey.objects.create(seminar=seminar)
    if usual_questions:
        for order, (kind, required, label, headline, options) in enumerate(USUAL_QUESTIONS):
            question = SurveyQuestion.objects.create(
                survey=survey,
                kind=kind,
                required=required,
                order=order,
                **_texts("label", label),
                **_texts("headline", headline),
            )
            if kind == Kind.CHOICE:
                options = _topics(seminar)
            SurveyOption.objects.bulk_create(
                SurveyOption(question=question, order=number, **_texts("label", texts))
                for number, texts in enumerate(options)
            )
    return survey


def survey_export_record(
    *, survey: Survey, actor: AbstractBaseUser, file_format: str, rows: int, filters: str = ""
) -> None:
    """Record a download of the raw responses in the seminar's audit log, like the attendee
    lists: whose answers left the system, in what form."""
    audit_record(
        action=AuditEntry.Action.EXPORTED,
        actor=actor,
        seminar=survey.seminar,
        details={
            "exported": "feedback survey responses",
            "format": file_format,
            "rows": rows,
            "filters": filters,
            "anonymous": survey.anonymous,
        },
    )
