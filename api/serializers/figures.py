"""The dashboard's figures (registrations.selectors.seminar_dashboard_figures), as numbers."""

from rest_framework import serializers


class HeadcountsSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    waitlisted = serializers.IntegerField()
    pending = serializers.IntegerField()
    declined = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Every registration, whatever its status.")
    capacity = serializers.IntegerField(
        allow_null=True, help_text="Every mode's seats together; null without a limit."
    )
    seats_left = serializers.IntegerField(allow_null=True)
    fill_percent = serializers.FloatField(allow_null=True)
    attended = serializers.IntegerField(
        help_text="Confirmed registrants checked in at the door or present in the imported "
        "attendance report, each counted once."
    )
    attendance_known = serializers.IntegerField()
    attendance_rate = serializers.FloatField(
        allow_null=True, help_text="Attended as a per cent of confirmed, once recorded."
    )
    join_link_holders = serializers.IntegerField()
    join_link_opened = serializers.IntegerField()
    room_holders = serializers.IntegerField()
    checked_in = serializers.IntegerField()
    online_checked_in = serializers.IntegerField()


class BreakdownRowSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="The stored value (an option id for questions).")
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class BreakdownSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    total = serializers.IntegerField()
    rows = BreakdownRowSerializer(many=True)


class DayCountSerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()


class ModeHeadcountSerializer(serializers.Serializer):
    mode = serializers.CharField()
    label = serializers.CharField()
    confirmed = serializers.IntegerField()
    capacity = serializers.IntegerField(allow_null=True)
    waitlisted = serializers.IntegerField()
    pending = serializers.IntegerField()
    seats_left = serializers.IntegerField(allow_null=True)


class FiguresSerializer(serializers.Serializer):
    seminar = serializers.SlugField()
    headcounts = HeadcountsSerializer()
    modes = ModeHeadcountSerializer(
        many=True, help_text="A hybrid seminar's seats per mode; empty otherwise."
    )
    breakdowns = BreakdownSerializer(
        many=True, help_text="Active registrations (confirmed and waitlisted) by each field."
    )
    questions = BreakdownSerializer(
        many=True, help_text="Active registrations' answers to each choice question."
    )
    per_day = DayCountSerializer(many=True, help_text="Registrations made each day (HKT).")
