"""The one error shape every endpoint answers with (api/errors.py renders it), for the schema."""

from rest_framework import serializers


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable word for programs, e.g. “required”.")
    message = serializers.CharField(help_text="What is wrong, in the request's language.")


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="A stable word for programs: invalid, not_authenticated, forbidden, not_found, "
        "rate_limited, duplicate_registration, seminar_full, registration_closed, ..."
    )
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(
        child=FieldErrorSerializer(many=True),
        required=False,
        help_text="For invalid input: each field (nested ones joined with dots, e.g. "
        "“answers.12”) with its problems.",
    )
