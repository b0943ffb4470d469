"""A seminar's programme: its sessions in order with their speakers, and the bodies behind it.
Names and titles come in the request's language (English where one was left empty)."""

from rest_framework import serializers

from seminar.models import Organisation, SeminarPartner, Session, SessionSpeaker

from .base import ModelSerializer


class OrganisationSerializer(ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "website"]
        read_only_fields = fields


class SessionSpeakerSerializer(ModelSerializer):
    id = serializers.IntegerField(source="speaker.id", read_only=True)
    name_en = serializers.CharField(source="speaker.name_en", read_only=True)
    name_zh = serializers.CharField(source="speaker.name_zh", read_only=True)
    display_name = serializers.CharField(source="speaker.display_name", read_only=True)
    honorific = serializers.CharField(source="speaker.honorific", read_only=True)
    job_title = serializers.CharField(source="speaker.job_title", read_only=True)
    bio = serializers.CharField(source="speaker.bio", read_only=True)
    organisation = OrganisationSerializer(
        source="speaker.organisation", read_only=True, allow_null=True
    )
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = SessionSpeaker
        fields = [
            "id",
            "name_en",
            "name_zh",
            "display_name",
            "honorific",
            "job_title",
            "organisation",
            "bio",
            "role",
            "role_label",
        ]
        read_only_fields = fields


class SessionSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    speakers = SessionSpeakerSerializer(source="session_speakers", many=True, read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "kind_label",
            "starts_at",
            "ends_at",
            "speakers",
        ]
        read_only_fields = fields


class PartnerSerializer(ModelSerializer):
    organisation = OrganisationSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = SeminarPartner
        fields = ["organisation", "role", "role_label", "order"]
        read_only_fields = fields


class ProgrammeSerializer(serializers.Serializer):
    seminar = serializers.SlugField(source="slug", read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)
    partners = PartnerSerializer(many=True, read_only=True)
