"""The demo's feedback survey on the past hybrid workshop, in words: its introduction, its six
questions in three languages, and the comments demo respondents wrote. Loaded by
demo_surveys.py."""

from .models import SurveyQuestion

Kind = SurveyQuestion.Kind

SURVEY_INTRO = {
    "en": (
        "Thank you for joining the workshop. This survey takes about two minutes; your answers "
        "help us plan next year's programme."
    ),
    "zh_hant": "感謝你參加工作坊。問卷約需兩分鐘完成，你的意見有助我們籌劃明年的活動。",
    "zh_hans": "感谢你参加工作坊。问卷约需两分钟完成，你的意见有助我们筹划明年的活动。",
}

# (kind, required, label, headline, options); each text as (en, zh_hant, zh_hans).
SURVEY_QUESTIONS = [
    (
        Kind.RATING,
        True,
        ("How useful was the workshop?", "工作坊對你有多大用處？", "工作坊对你有多大帮助？"),
        ("found the workshop useful", "認為工作坊有用", "认为工作坊有用"),
        [],
    ),
    (
        Kind.CHOICE,
        False,
        ("Which topic interested you most?", "你對哪個主題最感興趣？", "你对哪个主题最感兴趣？"),
        ("", "", ""),
        [
            ("IP licensing and trading", "知識產權許可及交易", "知识产权许可及交易"),
            ("Patent strategy for SMEs", "中小企業專利策略", "中小企业专利策略"),
            ("Trade marks in the Mainland", "內地商標註冊", "内地商标注册"),
            ("IP valuation and financing", "知識產權估值及融資", "知识产权估值及融资"),
        ],
    ),
    (
        Kind.MULTIPLE,
        False,
        ("What should next year cover?", "明年應涵蓋哪些內容？", "明年应涵盖哪些内容？"),
        ("", "", ""),
        [
            ("Cross-border enforcement", "跨境執法", "跨境执法"),
            ("IP and artificial intelligence", "知識產權與人工智能", "知识产权与人工智能"),
            ("Licensing contracts in practice", "許可合約實務", "许可合同实务"),
            ("Funding schemes for SMEs", "中小企業資助計劃", "中小企业资助计划"),
        ],
    ),
    (
        Kind.RECOMMEND,
        False,
        (
            "How likely are you to recommend this workshop to a colleague?",
            "你有多大可能向同事推薦這個工作坊？",
            "你有多大可能向同事推荐这个工作坊？",
        ),
        ("", "", ""),
        [],
    ),
    (
        Kind.YES_NO,
        False,
        ("Was the length right?", "工作坊的長度合適嗎？", "工作坊的时长合适吗？"),
        ("found the length right", "認為長度合適", "认为时长合适"),
        [],
    ),
    (
        Kind.LONG_TEXT,
        False,
        ("Any other comments?", "其他意見？", "其他意见？"),
        ("", "", ""),
        [],
    ),
]

# What respondents wrote, by the language they registered in.
COMMENTS = {
    "en": [
        "Very practical examples, thank you.",
        "The panel on licensing was the highlight for me.",
        "Please share the slides before the workshop next time.",
        "More time for questions, please.",
        "A good mix of speakers from Hong Kong and the Mainland.",
        "The room was a little cold in the afternoon.",
    ],
    "zh-hant": [
        "案例很實用，謝謝。",
        "希望下次有更多問答時間。",
        "講者的分享很有啟發，期待明年再參加。",
    ],
    "zh-hans": [
        "内容很实用，希望明年继续举办。",
        "希望能提前提供讲义。",
        "线上直播很流畅，谢谢主办方。",
    ],
}
