"""What the write endpoints take: a registration as the public form takes it, the organisers'
decisions, a check-in, an attendance report. The rules are the domain's (registrant_rules.py,
answer_input.py, the model's fields and clean()); these only read JSON into them."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registrations.answer_input import AnswersInvalid, answers_from_values
from registrations.checkin import CheckinResult
from registrations.models import CONDITION_FIELDS, REGISTRANT_FIELDS, TRACKING_FIELDS, Registration
from registrations.questions import questions_applicable, seminar_fixed, seminar_questions
from registrations.registrant_rules import consent_version_problems, registrant_details_problems
from registrations.selectors import registration_waitlist_position
from registrations.services import DECLINE_MESSAGE_MAX_LENGTH
from seminar.models import AttendanceMode
from seminar.validators import phone_validate

from .base import StrictSerializer
from .registrations import RegistrationSerializer


# Needs `seminar` in its context (the view gives it). Kept out of the docstring, which the
# schema shows to integrators.
class RegistrationInputSerializer(StrictSerializer, serializers.ModelSerializer):
    """A new registration: the registrant's fields, the attendance mode at a hybrid seminar,
    the collection statement version they agreed to (the seminar's `consent_version`), and
    answers to the seminar's questions as {question id: value} (ids from GET
    /api/v1/seminars/{slug}/questions/; option ids for choice questions, a list of them for
    multiple choice, "yes"/"no", true for a declaration, text otherwise)."""

    attendance_mode = serializers.ChoiceField(
        choices=AttendanceMode.choices,
        required=False,
        help_text="At a hybrid seminar: how the person attends (required there).",
    )
    consent_version = serializers.CharField(
        max_length=20,
        help_text="The collection statement version the person agreed to: the current one.",
    )
    answers = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text="Answers to the seminar's own questions, by question id.",
    )

    class Meta:
        model = Registration
        fields = [*REGISTRANT_FIELDS, *TRACKING_FIELDS, "attendance_mode", "consent_version"]
        fields.append("answers")
        validators: list = []
        extra_kwargs = {
            "salutation": {"required": False},
            "phone": {"validators": [phone_validate]},
            "preferred_language": {"required": False},
            "news_opt_in": {"required": False},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        seminar = self.context["seminar"]
        problems = {
            **registrant_details_problems(data=attrs),
            **consent_version_problems(version=attrs["consent_version"]),
        }
        try:
            Registration(name_en=attrs.get("name_en", ""), name_zh=attrs.get("name_zh", "")).clean()
        except DjangoValidationError as error:
            problems.update({field: messages[0] for field, messages in error.message_dict.items()})
        errors: dict[str, Any] = {
            field: [serializers.ErrorDetail(str(message), code="invalid")]
            for field, message in problems.items()
        }
        known = seminar_fixed(seminar)
        fixed = {name: attrs.get(name, "") for name in CONDITION_FIELDS}
        fixed.update(known)
        questions = questions_applicable(questions=seminar_questions(seminar=seminar), known=known)
        try:
            attrs["answers"] = answers_from_values(
                questions=questions, values=attrs.get("answers", {}), fixed=fixed
            )
        except AnswersInvalid as invalid:
            errors["answers"] = {
                key: [
                    serializers.ErrorDetail(" ".join(error.messages), code=error.code or "invalid")
                    for error in messages
                ]
                for key, messages in invalid.errors.items()
            }
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def registration_data(self) -> dict[str, Any]:
        """The fields as registration_create takes them (RegistrationForm.registration_data)."""
        return {name: value for name, value in self.validated_data.items() if name != "answers"}


class RegistrationCreatedSerializer(RegistrationSerializer):
    waitlist_position = serializers.SerializerMethodField(
        help_text="1 for the next to be promoted; null unless waitlisted."
    )

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "waitlist_position"]
        read_only_fields = fields

    def get_waitlist_position(self, registration: Registration) -> int | None:
        return registration_waitlist_position(registration=registration)


class DeclineInputSerializer(StrictSerializer):
    message = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=f"Sent to the registrant with the decline, at most "
        f"{DECLINE_MESSAGE_MAX_LENGTH} characters.",
    )


class EmptyInputSerializer(StrictSerializer):
    """Nothing to send."""


class CheckinInputSerializer(StrictSerializer):
    code = serializers.CharField(
        required=False, max_length=100, help_text="The check-in code the person shows."
    )
    registration = serializers.IntegerField(
        required=False, help_text="Or the id of a registration found by a search."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("code" in attrs) == ("registration" in attrs):
            raise serializers.ValidationError(
                serializers.ErrorDetail(_("Send either “code” or “registration”."), code="invalid")
            )
        return attrs


class CheckinResultSerializer(serializers.Serializer):
    """What the door page shows for a scan or a tap."""

    state = serializers.CharField(
        help_text="checked_in, already, waitlisted, cancelled, not_confirmed, other_seminar, "
        "unknown or ended."
    )
    ok = serializers.BooleanField(help_text="Whether the person may go in.")
    headline = serializers.CharField(help_text="The banner, in the request's language.")
    name = serializers.CharField(allow_null=True)
    seminar = serializers.CharField(allow_null=True, help_text="The registration's seminar.")
    registration = serializers.IntegerField(
        allow_null=True, help_text="Its id; null for an unknown code or another seminar's."
    )
    status = serializers.CharField(allow_null=True)
    attendance_mode = serializers.CharField(allow_null=True)
    registered_online = serializers.BooleanField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    checked_in_by = serializers.CharField()

    def to_representation(self, result: CheckinResult) -> dict[str, Any]:
        registration = result.registration
        # Another seminar's registration: the person's name and that seminar, nothing more.
        other = result.state == "other_seminar"
        return super().to_representation(
            {
                "state": result.state,
                "ok": result.ok,
                "headline": result.headline,
                "name": registration.display_name if registration else None,
                "seminar": registration.seminar.slug if registration else None,
                "registration": registration.pk if registration and not other else None,
                "status": registration.status if registration and not other else None,
                "attendance_mode": (
                    registration.attendance_mode if registration and not other else None
                ),
                "registered_online": result.registered_online,
                "checked_in_at": result.checked_in_at,
                "checked_in_by": result.checked_in_by,
            }
        )


class CheckinUndoneSerializer(serializers.Serializer):
    registration = serializers.IntegerField(source="pk")
    checked_in_at = serializers.DateTimeField(allow_null=True)
