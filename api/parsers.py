"""The API's JSON parser: a body it cannot read is a 400 `malformed_request` in our own words,
never a 500 (a deeply nested body makes Python's decoder raise RecursionError) nor DRF's English
parser internals. Nesting is also capped well below the interpreter's limit, so that a body
that decodes cannot blow the stack later (validation, the idempotency digest, rendering)."""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

# The deepest body the API takes ({"answers": {"12": [3, 4]}} is 3 deep), with room to spare.
MAX_DEPTH = 32

NOT_JSON = _("The request body is not valid JSON.")
NOT_UTF8 = _("The request body is not valid UTF-8 text.")
TOO_DEEP = _("The request body is nested too deeply (at most %(depth)d levels).")


class MalformedRequest(exceptions.ParseError):
    """A 400 with our message, and the parser's own words (English, for a developer's log)
    kept apart in `parser_detail`."""

    def __init__(self, message, parser_detail: str = ""):
        super().__init__(message, code="malformed_request")
        self.parser_detail = parser_detail


def _depth_exceeds(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as error:
            raise MalformedRequest(NOT_UTF8, str(error)) from None
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise MalformedRequest(TOO_DEEP % {"depth": MAX_DEPTH}) from None
        except ValueError as error:
            raise MalformedRequest(NOT_JSON, str(error)) from None
        if _depth_exceeds(data, MAX_DEPTH):
            raise MalformedRequest(TOO_DEEP % {"depth": MAX_DEPTH})
        return data


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON (DRF's strict mode refuses them the same way).
    raise ValueError(f"{name} is not valid JSON")


NOT_MULTIPART = _("The request body is not a valid multipart form.")


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except exceptions.ParseError as error:
            raise MalformedRequest(NOT_MULTIPART, str(error.detail)) from None
