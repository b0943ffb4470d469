"""The one error shape (api/errors.py) as the schema describes it, and the error responses each
operation declares."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable code, e.g. `invalid` or `required`.")
    message = serializers.CharField(help_text="What is wrong, in the request's language.")


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="A stable code a program can branch on (see docs/api.md for the list)."
    )
    message = serializers.CharField(help_text="What happened, in the request's language.")
    fields = serializers.DictField(
        child=FieldErrorSerializer(many=True),
        required=False,
        help_text="For invalid input: each field (dotted path) with its own errors.",
    )
    detail = serializers.CharField(
        required=False,
        help_text="For a malformed body: the parser's own words, in English, for a "
        "developer (not for people to read).",
    )

    class Meta:
        ref_name = "Error"


DESCRIPTIONS = {
    400: "Invalid query or body (`invalid`, with `fields`; `malformed_request`).",
    401: "No token, or the token is not valid, expired or revoked (`not_authenticated`, "
    "`token_invalid`, `token_expired`, `token_revoked`, `user_inactive`, `user_not_staff`).",
    403: "The token's user has no role that allows this (`forbidden`).",
    404: "Nothing at this address, or nothing this token may see (`not_found`).",
    409: "The seminar or registration is not in a state for this (see docs/api.md).",
    422: "Refused by a rule of the seminar (see docs/api.md).",
    429: "Too many requests with this token (`rate_limited`); the Retry-After header says "
    "when to try again.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """{status: response with the Error shape} for an operation's `responses`."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[status])
        for status in statuses
    }
