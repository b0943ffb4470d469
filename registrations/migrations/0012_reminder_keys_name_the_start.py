"""Reminder keys now name the start they were for ("24h@1765328400"), so a seminar that moves gets
its reminders again at the new time. Existing keys get the start their seminar has now: a reminder
already sent is not sent a second time for the same start."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat


def keys_extend(apps, schema_editor):
    """One UPDATE per seminar, not one per reminder: a busy outbox holds hundreds of thousands
    of reminders, and saving each took minutes (docs/backups.md, "Upgrades")."""
    Seminar = apps.get_model("seminar", "Seminar")
    Notification = apps.get_model("registrations", "Notification")
    for seminar in Seminar.objects.only("pk", "starts_at").iterator():
        start = int(seminar.starts_at.timestamp())
        reminders = Notification.objects.filter(kind="reminder", registration__seminar=seminar)
        reminders.exclude(reminder_key__contains="@").update(
            reminder_key=Concat("reminder_key", Value(f"@{start}"))
        )


def keys_shorten(apps, schema_editor):
    Notification = apps.get_model("registrations", "Notification")
    for notification in Notification.objects.filter(reminder_key__contains="@").iterator():
        notification.reminder_key = notification.reminder_key.split("@", 1)[0]
        notification.save(update_fields=["reminder_key"])


class Migration(migrations.Migration):
    dependencies = [("registrations", "0011_announcements_and_notices")]

    operations = [migrations.RunPython(keys_extend, keys_shorten)]
