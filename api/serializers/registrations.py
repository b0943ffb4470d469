"""A registration as the API shows it to organisers. The write endpoints answer with it too.

Answers and attendance come from registrations.registration_reads: in a list, loaded for the
whole page by registrations_for_sync (a fixed number of queries); for one registration, read on
the spot. An anonymised registration shows what the clean-up left (figures, dates, attendance,
answers not marked as personal data) and `anonymised_at`."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registrations.models import Registration
from registrations.registration_reads import (
    registration_answers_loaded,
    registration_certificate_code,
)

from .base import ModelSerializer


class AnswerSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    label = serializers.CharField(help_text="The question, in the request's language.")
    kind = serializers.CharField()
    text = serializers.CharField(help_text="The answer as a person reads it.")
    value = serializers.CharField(help_text="As stored; empty for choice questions.")
    option_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="The chosen options' ids (choice questions)."
    )


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField(
        allow_null=True, help_text="From the imported attendance report; null when unknown."
    )
    minutes_online = serializers.IntegerField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    join_opens = serializers.IntegerField(help_text="Times the personal join link was opened.")
    join_first_opened_at = serializers.DateTimeField(allow_null=True)
    join_last_opened_at = serializers.DateTimeField(allow_null=True)
    certificate_code = serializers.CharField(
        allow_null=True, help_text="The certificate of attendance's code, if one is issued."
    )


def _optional_choice(choices) -> serializers.ChoiceField:
    """A choice the registrant may leave out: the schema says "" is a value too."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class RegistrationSerializer(ModelSerializer):
    seminar = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    salutation = _optional_choice(Registration.Salutation.choices)
    organisation_size = _optional_choice(Registration.OrganisationSize.choices)
    heard_from = _optional_choice(Registration.HeardFrom.choices)
    answers = serializers.SerializerMethodField()
    attendance = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "seminar",
            "status",
            "attendance_mode",
            "salutation",
            "name_en",
            "name_zh",
            "email",
            "phone",
            "organisation",
            "job_title",
            "participant_type",
            "organisation_size",
            "region",
            "industry",
            "preferred_language",
            "heard_from",
            "source",
            "news_opt_in",
            "created_at",
            "updated_at",
            "confirmed_at",
            "waitlisted_at",
            "reviewed_at",
            "cancelled_at",
            "anonymised_at",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "ref",
            "answers",
            "attendance",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, registration: Registration) -> list[dict]:
        return [
            {
                "question_id": answer.question_id,
                "label": answer.label,
                "kind": answer.kind,
                "text": answer.text,
                "value": answer.value,
                "option_ids": answer.option_ids,
            }
            for answer in registration_answers_loaded(registration=registration)
        ]

    @extend_schema_field(AttendanceSerializer)
    def get_attendance(self, registration: Registration) -> dict:
        # Through the serializer, so its times come in local time like every other field.
        return AttendanceSerializer(
            {
                "attended": registration.attended,
                "minutes_online": registration.minutes_online,
                "checked_in_at": registration.checked_in_at,
                "join_opens": registration.join_opens,
                "join_first_opened_at": registration.join_first_opened_at,
                "join_last_opened_at": registration.join_last_opened_at,
                "certificate_code": registration_certificate_code(registration=registration),
            }
        ).data
