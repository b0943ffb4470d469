"""Reminder keys now name the start they were for ("24h@1765328400"), so a seminar that moves gets
its reminders again at the new time. Existing keys get the start their seminar has now: a reminder
already sent is not sent a second time for the same start."""

from django.db import migrations


def keys_extend(apps, schema_editor):
    Notification = apps.get_model("registrations", "Notification")
    reminders = Notification.objects.filter(kind="reminder").exclude(reminder_key__contains="@")
    for notification in reminders.select_related("registration__seminar").iterator():
        start = int(notification.registration.seminar.starts_at.timestamp())
        notification.reminder_key = f"{notification.reminder_key}@{start}"
        notification.save(update_fields=["reminder_key"])


def keys_shorten(apps, schema_editor):
    Notification = apps.get_model("registrations", "Notification")
    for notification in Notification.objects.filter(reminder_key__contains="@").iterator():
        notification.reminder_key = notification.reminder_key.split("@", 1)[0]
        notification.save(update_fields=["reminder_key"])


class Migration(migrations.Migration):
    dependencies = [("registrations", "0011_announcements_and_notices")]

    operations = [migrations.RunPython(keys_extend, keys_shorten)]
