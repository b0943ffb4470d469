"""Seminars as the API shows them: what the public page shows to anyone, and under `private`
the settings organisers keep in the admin (null for everyone else)."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registrations.registrant_rules import consent_version_current
from seminar.models import RegistrationState, Seminar
from seminar.selectors import seminar_mode_availability

from .base import ModelSerializer


class AvailabilitySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=RegistrationState.choices,
        help_text="Whether it takes registrations now, and why not.",
    )
    label = serializers.CharField(help_text="The state in words, in the request's language.")
    accepts_registrations = serializers.BooleanField(
        help_text="True when a registration would be taken now (confirmed or waitlisted)."
    )
    seats_left = serializers.IntegerField(
        allow_null=True,
        help_text="Free seats, when the public page shows them (registration open with a "
        "limit); else null.",
    )
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(
        help_text="When registration closes: the set time, or the start of the seminar."
    )


class ModeAvailabilitySerializer(serializers.Serializer):
    mode = serializers.CharField()
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=RegistrationState.choices)
    seats_left = serializers.IntegerField(allow_null=True)


def availability_data(availability, *, closes_at) -> dict:
    shown = availability.state == RegistrationState.OPEN
    return {
        "state": availability.state,
        "label": str(RegistrationState(availability.state).label),
        "accepts_registrations": availability.accepts_registrations,
        "seats_left": availability.seats_left if shown else None,
        "opens_at": availability.opens_at,
        "closes_at": closes_at,
    }


class SeminarPrivateSerializer(ModelSerializer):
    """What only organisers (who may change seminars) see."""

    class Meta:
        model = Seminar
        fields = [
            "capacity",
            "online_capacity",
            "seats_taken",
            "online_seats_taken",
            "join_url",
            "joining_instructions",
            "requires_approval",
            "waitlist_enabled",
            "reminder_hours",
            "join_details_hours_before",
            "certificates_enabled",
            "cpd_hours",
            "certificate_online_unit",
            "certificate_online_minimum",
            "certificate_signatory_name",
            "certificate_signatory_title",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SeminarSerializer(ModelSerializer):
    """A seminar's public face. Translated fields come in the request's language
    (Accept-Language), in English where the organisers left that language empty."""

    availability = serializers.SerializerMethodField()
    modes = serializers.SerializerMethodField()
    consent_version = serializers.SerializerMethodField(
        help_text="The version of the personal information collection statement people agree "
        "to now: a registration sends it as its `consent_version`."
    )
    public_url = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    private = serializers.SerializerMethodField()

    class Meta:
        model = Seminar
        fields = [
            "slug",
            "title",
            "theme",
            "description",
            "format",
            "status",
            "starts_at",
            "ends_at",
            "venue",
            "registration_opens_at",
            "registration_closes_at",
            "availability",
            "modes",
            "consent_version",
            "enquiries_name",
            "enquiries_email",
            "enquiries_phone",
            "public_url",
            "links",
            "private",
        ]
        read_only_fields = fields

    @extend_schema_field(AvailabilitySerializer)
    def get_availability(self, seminar: Seminar) -> dict:
        # Through the serializer, so its times come in local time like every other field.
        data = availability_data(seminar.availability(), closes_at=seminar.closes_at)
        return AvailabilitySerializer(data).data

    @extend_schema_field(ModeAvailabilitySerializer(many=True))
    def get_modes(self, seminar: Seminar) -> list[dict]:
        """A hybrid seminar's room and online seats, each with its own state; else empty."""
        return [
            {
                "mode": mode.mode,
                "label": mode.label,
                "state": mode.availability.state,
                "seats_left": availability_data(mode.availability, closes_at=None)["seats_left"],
            }
            for mode in seminar_mode_availability(seminar=seminar)
        ]

    def get_consent_version(self, seminar: Seminar) -> str:
        return consent_version_current()

    def get_public_url(self, seminar: Seminar) -> str:
        return settings.SITE_URL + seminar.get_absolute_url()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                name: {"type": "string", "format": "uri"}
                for name in ("self", "programme", "questions", "figures", "announcements")
            },
            "required": ["self", "programme", "questions"],
        }
    )
    def get_links(self, seminar: Seminar) -> dict:
        request = self.context["request"]

        def url(name: str) -> str:
            return request.build_absolute_uri(reverse(f"api:{name}", kwargs={"slug": seminar.slug}))

        links = {
            "self": url("seminar"),
            "programme": url("programme"),
            "questions": url("questions"),
        }
        user = request.user
        if user.has_perm("registrations.view_dashboard"):
            links["figures"] = url("figures")
        if user.has_perm("registrations.view_announcement"):
            links["announcements"] = url("announcements")
        return links

    @extend_schema_field(SeminarPrivateSerializer(allow_null=True))
    def get_private(self, seminar: Seminar) -> dict | None:
        if not self.context.get("private"):
            return None
        return SeminarPrivateSerializer(seminar).data
