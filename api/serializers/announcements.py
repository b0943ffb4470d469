"""Announcements with how far their delivery has got (registrations.announcements)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registrations.models import Announcement

from .base import ModelSerializer


class DeliverySerializer(serializers.Serializer):
    queued = serializers.IntegerField(help_text="Emails waiting to go (or being sent).")
    sent = serializers.IntegerField()
    failed = serializers.IntegerField(help_text="Gave up after retries; can be sent again.")
    not_sent = serializers.IntegerField(
        help_text="No longer applied when their turn came (unsubscribed, seat left, data removed)."
    )


class AnnouncementSerializer(ModelSerializer):
    seminar = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    delivery = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id",
            "seminar",
            "purpose",
            "subject",
            "body",
            "audience",
            "state",
            "send_at",
            "created_at",
            "queued_at",
            "recipient_count",
            "delivery",
        ]
        read_only_fields = fields

    @extend_schema_field(DeliverySerializer)
    def get_delivery(self, announcement: Announcement) -> dict:
        """Counted in the list's own query (announcements_with_progress)."""
        return {
            "queued": announcement.progress_queued,
            "sent": announcement.progress_sent,
            "failed": announcement.progress_failed,
            "not_sent": announcement.progress_not_sent,
        }
