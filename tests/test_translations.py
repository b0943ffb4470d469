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
