"""A registration as the API shows it to organisers. The write endpoints answer with it too."""

from rest_framework import serializers

from registrations.models import Registration


class RegistrationSerializer(serializers.ModelSerializer):
    seminar = serializers.SlugRelatedField(slug_field="slug", read_only=True)

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
        ]
        read_only_fields = fields
