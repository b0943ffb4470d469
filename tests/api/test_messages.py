"""Every message the API shows comes in the request's language: DRF's own field messages
included (our catalogues translate them where DRF's do not), and our words for DRF's refusals."""

import pytest
from django.utils import translation
from rest_framework import fields, relations, serializers

from tests.factories import SeminarFactory

from .conftest import client_for
from .writes import create_url

pytestmark = pytest.mark.django_db

# The DRF fields the API's serializers use, and the Serializer itself (not_a_dict).
FIELD_CLASSES = [
    fields.CharField,
    fields.IntegerField,
    fields.BooleanField,
    fields.ChoiceField,
    fields.DictField,
    fields.ListField,
    fields.DateTimeField,
    fields.EmailField,
    fields.FileField,
    fields.JSONField,
    relations.SlugRelatedField,
    serializers.Serializer,
]
# Internal limits no input of ours can reach.
UNREACHABLE = {"Integer value too large to convert to float"}


def _messages():
    found = {}
    for cls in FIELD_CLASSES:
        for klass in reversed(cls.__mro__):
            for code, message in getattr(klass, "default_error_messages", {}).items():
                with translation.override("en"):
                    english = str(message)
                if english not in UNREACHABLE:
                    found[english] = (cls.__name__, code, message)
    return sorted(found.items())


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_drf_field_messages_are_translated(language):
    untranslated = []
    for english, (cls, code, message) in _messages():
        with translation.override(language):
            if str(message) == english:
                untranslated.append(f"{cls}.{code}: {english}")
    assert untranslated == []


def test_drf_messages_reach_the_caller_translated(organiser):
    client = client_for(organiser, language="zh-hant")
    body = {"news_opt_in": "maybe", "name_en": ["x"], "answers": "x"}
    fields_ = client.post(create_url(SeminarFactory()), body, format="json").json()["fields"]
    assert fields_["news_opt_in"][0]["message"] == "必須是有效的布林值（true 或 false）。"
    assert fields_["name_en"][0]["message"] == "不是有效的文字。"
    assert fields_["answers"][0]["code"] == "not_a_dict"
    assert fields_["answers"][0]["message"].startswith("應為字典")


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_unsupported_media_type_and_not_acceptable_are_translated(organiser, language):
    client = client_for(organiser, language=language)
    unsupported = client.post(create_url(SeminarFactory()), "x", content_type="text/plain")
    assert unsupported.status_code == 415
    assert unsupported.json()["code"] == "unsupported_media_type"
    assert "JSON" in unsupported.json()["message"]
    assert "Send" not in unsupported.json()["message"]
    refused = client.get("/api/v1/seminars/", HTTP_ACCEPT="text/html")
    assert refused.status_code == 406
    assert refused.json()["code"] == "not_acceptable"
    assert "JSON" in refused.json()["message"] and "accept" not in refused.json()["message"]
