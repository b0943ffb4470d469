"""The Chinese catalogues are complete and consistent with the code."""

import re
import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALES = ["zh_Hant", "zh_Hans"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def catalog(locale: str):
    with (settings.BASE_DIR / "locale" / locale / "LC_MESSAGES" / "django.po").open("rb") as po:
        return read_po(po)


def entries(locale: str):
    return [message for message in catalog(locale) if message.id]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy(locale):
    untranslated = [
        message.id
        for message in entries(locale)
        if not all(message.string if isinstance(message.string, tuple) else [message.string])
    ]
    fuzzy = [message.id for message in entries(locale) if message.fuzzy]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_every_placeholder(locale):
    broken = []
    for message in entries(locale):
        source = message.id[-1] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(string)):
                broken.append((source, string))

    assert broken == []


def test_both_catalogues_cover_the_same_strings():
    assert {str(m.id) for m in entries("zh_Hant")} == {str(m.id) for m in entries("zh_Hans")}


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="xgettext (Debian package gettext) is not installed; .ci/run installs it",
)
def test_catalogues_contain_every_string_marked_in_the_code(tmp_path):
    """Extract the strings afresh; none may be missing from the committed catalogues."""
    project = tmp_path / "project"
    shutil.copytree(
        settings.BASE_DIR,
        project,
        ignore=shutil.ignore_patterns(".venv", "var", "staticfiles", ".git", "tests", "bench"),
    )
    shutil.rmtree(project / "locale")
    (project / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hant",
            "--no-location",
            "-v0",
        ],
        cwd=project,
        check=True,
    )
    with (project / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po").open("rb") as po:
        fresh = {str(message.id) for message in read_po(po) if message.id}

    assert sorted(fresh - {str(m.id) for m in entries("zh_Hant")}) == []


def translations(locale: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) for every translated string, plural forms included."""
    pairs = []
    for message in entries(locale):
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs.extend((source, string) for string in strings)
    return pairs


CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
# A half-width colon or comma touching a Chinese character: Chinese text takes "：" and "，".
HALF_WIDTH_IN_CHINESE = re.compile(rf"{CJK} ?[:,]|[:,] ?{CJK}")


@pytest.mark.parametrize("locale", LOCALES)
def test_chinese_sentences_use_full_width_colons_and_commas(locale):
    half_width = [
        string for _source, string in translations(locale) if HALF_WIDTH_IN_CHINESE.search(string)
    ]

    assert half_width == []


# Hong Kong and Taiwan words a Mainland reader would not use, with what Simplified Chinese says.
NOT_MAINLAND = {
    "电邮": "电子邮件",
    "網上": "线上",
    "网上": "线上",
    "在线": "线上 (one word for online)",
    "線上": "线上",
    "资讯": "信息",
    "视像": "视频",
    "影片": "视频",
    "登入": "登录",
    "连结": "链接",
    "档案": "文件",
    "上载": "上传",
    "储存": "保存",
    "列印": "打印",
    "讯息": "消息",
    "位址": "地址",
    "网路": "网络",
    "软体": "软件",
    "剔选": "勾选",
    "汇出": "导出",
    "汇入": "导入",
    "配对": "匹配",
    "栏位": "字段",
    "资料夹": "文件夹",
    "帐户": "账户",
    "多谢": "谢谢",
    "轮候": "候补",
    "设定": "设置",
    "仪表板": "仪表盘",
    "登记": "报名 (one word for registering)",
    "满额": "名额已满",
    "讲者": "演讲嘉宾",
    "重新载入": "刷新",
    "个人资料": "个人信息 (except in the Ordinance's name)",
}
ORDINANCE = "《个人资料（私隐）条例》"


def test_simplified_chinese_uses_mainland_words():
    found = sorted(
        (word, string)
        for _source, string in translations("zh_Hans")
        for word in NOT_MAINLAND
        if word in string.replace(ORDINANCE, "")
    )

    assert found == []


def test_traditional_chinese_says_online_one_way():
    others = ("線上", "在線", "线上", "在线", "网上")

    found = [
        string for _source, string in translations("zh_Hant") if any(w in string for w in others)
    ]

    assert found == []
    assert any("網上" in string for _source, string in translations("zh_Hant"))


# Certificates: one name for the certificate, for CPD hours and for checking in, in each script;
# brackets full-width, with no space before them.
CERTIFICATE_WORDS = {
    "zh_Hant": ("出席證書", "持續專業發展", "報到", "在門口簽到"),
    "zh_Hans": ("出席证书", "持续专业发展", "报到", "在门口签到"),
}
SPACE_OR_HALF_WIDTH_BRACKET = re.compile(rf" （|{CJK}\(|\({CJK}|{CJK}\)")


@pytest.mark.parametrize("locale", LOCALES)
def test_chinese_names_certificates_hours_and_check_in_one_way(locale):
    found = [
        (word, string)
        for _source, string in translations(locale)
        for word in CERTIFICATE_WORDS[locale]
        if word in string
    ]

    assert found == []


@pytest.mark.parametrize("locale", LOCALES)
def test_chinese_brackets_are_full_width_without_a_space_before(locale):
    found = [
        string
        for _source, string in translations(locale)
        if SPACE_OR_HALF_WIDTH_BRACKET.search(string)
    ]

    assert found == []
