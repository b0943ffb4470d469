"""An attendance import as the API shows it: the batch, and the plan its preview holds."""

from typing import Any

from rest_framework import serializers

from registrations.attendance import MAX_REPORT_BYTES
from registrations.attendance_import import AttendancePlan
from registrations.models import AttendanceImport

from .base import ModelSerializer, StrictSerializer


class AttendanceUploadSerializer(StrictSerializer):
    report = serializers.FileField(
        help_text="The meeting platform's report as it exported it (Zoom or Microsoft Teams "
        f"CSV), at most {MAX_REPORT_BYTES // (1024 * 1024)} MB."
    )
    mark_absent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also mark absent every confirmed registrant the report does not show present.",
    )


class AttendanceApplySerializer(StrictSerializer):
    digest = serializers.CharField(
        required=False,
        max_length=64,
        help_text="The plan's digest from the preview: the import is refused (422) if the plan "
        "changed since. Leave out to apply the plan as it stands now.",
    )


class AttendanceImportSerializer(ModelSerializer):
    seminar = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = AttendanceImport
        fields = [
            "id",
            "seminar",
            "status",
            "file_name",
            "platform",
            "mark_absent",
            "created_at",
            "created_by_label",
            "applied_at",
            "rows_read",
            "problems",
            "matched",
            "marked_absent",
            "not_registered",
            "changed",
        ]
        read_only_fields = fields


class PlannedChangeSerializer(serializers.Serializer):
    registration = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    attended_before = serializers.BooleanField(allow_null=True)
    minutes_before = serializers.IntegerField(allow_null=True)
    attended_after = serializers.BooleanField(allow_null=True)
    minutes_after = serializers.IntegerField(allow_null=True)


class ReportPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField()
    line = serializers.IntegerField()
    registration = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_null=True)


class ProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()


class AttendancePlanSerializer(serializers.Serializer):
    """What applying the import would do now, as the admin's preview page shows it."""

    import_ = AttendanceImportSerializer(source="batch")
    digest = serializers.CharField()
    not_started = serializers.BooleanField()
    changes = PlannedChangeSerializer(many=True)
    attended = serializers.IntegerField(help_text="Confirmed registrants the report shows present.")
    absent = serializers.IntegerField(help_text="To be marked absent (only when asked).")
    not_eligible = ReportPersonSerializer(many=True, help_text="Present but not confirmed.")
    unmatched = ReportPersonSerializer(many=True, help_text="Present, registered for nothing.")
    no_shows = ReportPersonSerializer(many=True)
    problems = ProblemSerializer(many=True, help_text="Rows that could not be read (first 20).")
    problems_not_listed = serializers.IntegerField()

    def get_fields(self):
        fields = super().get_fields()
        fields["import"] = fields.pop("import_")
        return fields

    def to_representation(self, instance: tuple[AttendanceImport, AttendancePlan]) -> dict:
        batch, plan = instance
        return super().to_representation(
            {
                "batch": batch,
                "digest": plan.digest,
                "not_started": plan.not_started,
                "changes": [_change(change) for change in plan.changes],
                "attended": len(plan.attended),
                "absent": len(plan.absent),
                "not_eligible": [_person(m.attendee, m.registration) for m in plan.not_eligible],
                "unmatched": [_person(attendee, None) for attendee in plan.unmatched],
                "no_shows": [_person(m.attendee, m.registration) for m in plan.no_shows],
                "problems": [
                    {"line": p.line, "code": p.code, "message": p.message}
                    for p in plan.problems_listed
                ],
                "problems_not_listed": plan.problems_not_listed,
            }
        )


def _change(change) -> dict[str, Any]:
    registration = change.registration
    return {
        "registration": registration.pk,
        "name": registration.display_name,
        "email": registration.email,
        "attended_before": change.before[0],
        "minutes_before": change.before[1],
        "attended_after": change.after[0],
        "minutes_after": change.after[1],
    }


def _person(attendee, registration) -> dict[str, Any]:
    return {
        "name": attendee.name,
        "email": attendee.email,
        "line": attendee.line,
        "registration": registration.pk if registration else None,
        "status": registration.status if registration else None,
    }
