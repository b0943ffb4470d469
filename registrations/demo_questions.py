"""The questions the demo's upcoming seminar asks, in three languages, and plausible answers from
its synthetic registrants, so the dashboard's breakdowns and the exports have something to show.
Loaded by demo.py; safe to run again."""

import random

from seminar.models import Seminar

from .models import Answer, AnswerChoice, Question, QuestionCondition, QuestionOption, Registration

Kind = Question.Kind
DECLARATION = "declaration"
ATTEND = "attend"
CPD = "cpd"
TOPICS = "topics"

# key: (kind, required, personal data, {language: label}, {language: help text},
#       [(option key, {language: label})], condition as (field, values) or None)
QUESTIONS = {
    DECLARATION: (
        Kind.DECLARATION,
        True,
        False,
        {
            "en": "I declare that I do not run an IP intermediary business (such as IP agency, "
            "brokerage or trading) and will not promote such services at the seminar. I "
            "understand that the organisers reserve the final right to accept any registration.",
            "zh_hant": "本人聲明並無經營知識產權中介業務（例如知識產權代理、經紀或交易），"
            "亦不會在研討會上推廣該等服務。本人明白主辦機構保留接受任何報名的最終權利。",
            "zh_hans": "本人声明并无经营知识产权中介业务（例如知识产权代理、经纪或交易），"
            "亦不会在研讨会上推广该等服务。本人明白主办方保留接受任何报名的最终权利。",
        },
        {},
        [],
        None,
    ),
    ATTEND: (
        Kind.CHOICE,
        True,
        False,
        {"en": "How will you attend?", "zh_hant": "你將如何參加？", "zh_hans": "你将如何参加？"},
        {},
        [
            ("live", {"en": "Live, online", "zh_hant": "網上直播", "zh_hans": "线上直播"}),
            (
                "recording",
                {
                    "en": "I will watch the recording later",
                    "zh_hant": "稍後觀看錄影",
                    "zh_hans": "稍后观看录像",
                },
            ),
        ],
        None,
    ),
    CPD: (
        Kind.SHORT_TEXT,
        False,
        True,
        {
            "en": "CPD membership number",
            "zh_hant": "持續專業進修（CPD）會員編號",
            "zh_hans": "持续专业进修（CPD）会员编号",
        },
        {
            "en": "For CPD points: your membership number with your professional body.",
            "zh_hant": "如需持續專業進修學分，請填寫你在專業團體的會員編號。",
            "zh_hans": "如需持续专业进修学分，请填写你在专业团体的会员编号。",
        },
        [],
        ("participant_type", [Registration.ParticipantType.IP_PRACTITIONER]),
    ),
    TOPICS: (
        Kind.MULTIPLE,
        False,
        False,
        {"en": "Topics of interest", "zh_hant": "感興趣的題目", "zh_hans": "感兴趣的题目"},
        {"en": "Tick any that apply.", "zh_hant": "可選多項。", "zh_hans": "可选多项。"},
        [
            (
                "trading",
                {
                    "en": "IP trading and licensing",
                    "zh_hant": "知識產權交易及授權",
                    "zh_hans": "知识产权交易及授权",
                },
            ),
            (
                "disputes",
                {
                    "en": "IP disputes and court cases",
                    "zh_hant": "知識產權糾紛及司法案例",
                    "zh_hans": "知识产权纠纷及司法案例",
                },
            ),
            (
                "patents",
                {
                    "en": "Patents, including the original grant patent system",
                    "zh_hant": "專利（包括原授專利制度）",
                    "zh_hans": "专利（包括原授专利制度）",
                },
            ),
            (
                "mediation",
                {
                    "en": "Arbitration and mediation",
                    "zh_hant": "仲裁及調解",
                    "zh_hans": "仲裁及调解",
                },
            ),
            (
                "gba",
                {
                    "en": "Opportunities in the Greater Bay Area",
                    "zh_hant": "大灣區發展機遇",
                    "zh_hans": "大湾区发展机遇",
                },
            ),
        ],
        None,
    ),
}


def _translated(prefix: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{language}": text for language, text in values.items()}


def questions_load(seminar: Seminar) -> dict[str, Question]:
    """The seminar's demo questions by key: created once, found by their English label after."""
    questions = {}
    for order, (key, spec) in enumerate(QUESTIONS.items()):
        kind, required, personal_data, labels, help_texts, options, condition = spec
        question = seminar.questions.filter(label_en=labels["en"]).first()
        if question is None:
            question = Question.objects.create(
                seminar=seminar,
                kind=kind,
                required=required,
                personal_data=personal_data,
                order=order * 10,
                **_translated("label", labels),
                **_translated("help_text", help_texts),
            )
            for position, (_key, option_labels) in enumerate(options):
                QuestionOption.objects.create(
                    question=question, order=position, **_translated("label", option_labels)
                )
            if condition:
                field, values = condition
                QuestionCondition.objects.create(question=question, field=field, values=values)
        questions[key] = question
    return questions


def answers_load(seminar: Seminar, questions: dict[str, Question], rng: random.Random) -> int:
    """Answers for the registrations that have none yet, as the form would have taken them;
    returns how many registrations were answered for."""
    options = {key: list(question.options.order_by("order")) for key, question in questions.items()}
    unanswered = seminar.registrations.filter(answers__isnull=True).order_by("pk")
    answered = 0
    for registration in unanswered:
        Answer.objects.create(
            registration=registration, question=questions[DECLARATION], value="yes"
        )
        live, recording = options[ATTEND]
        attend = Answer.objects.create(registration=registration, question=questions[ATTEND])
        AnswerChoice.objects.create(answer=attend, option=live if rng.random() < 0.8 else recording)
        if (
            registration.participant_type == Registration.ParticipantType.IP_PRACTITIONER
            and rng.random() < 0.7
        ):
            Answer.objects.create(
                registration=registration,
                question=questions[CPD],
                value=f"{rng.choice(['LSHK', 'HKIPAA', 'CPA'])}-{rng.randint(1000, 99999)}",
            )
        if rng.random() < 0.85:
            topics = Answer.objects.create(registration=registration, question=questions[TOPICS])
            chosen = rng.sample(options[TOPICS], k=rng.randint(1, 3))
            AnswerChoice.objects.bulk_create(
                AnswerChoice(answer=topics, option=option) for option in chosen
            )
        answered += 1
    return answered
