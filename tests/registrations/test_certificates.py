import email
import email.policy
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from registrations.certificates import (
    CertificateAlreadyHeld,
    CertificateAlreadyRevoked,
    CertificateHoursInvalid,
    CertificateNotQualified,
    CertificateSeminarNotOver,
    CertificatesOff,
    RevokeReasonMissing,
    certificate_issue,
    certificate_revoke,
    certificate_run_execute,
    certificates_issue_all,
)
from registrations.delivery import notification_deliver
from registrations.mail_bytes import message_bytes
from registrations.models import AuditEntry, Certificate, CertificateRun, Notification
from registrations.privacy import personal_data_purge
from tests.factories import RegistrationFactory
from tests.registrations.certificate_helpers import (
    HK_NAME_EN,
    HK_NAME_ZH,
    past_seminar_with_certificates,
    qualifying_registration,
)


@pytest.fixture
def seminar(db):
    return past_seminar_with_certificates()


def test_certificate_issue_snapshots_names_and_hours_and_emails_the_pdf(
    seminar, admin_user, django_capture_on_commit_callbacks
):
    registration = qualifying_registration(seminar, name_en=HK_NAME_EN, name_zh=HK_NAME_ZH)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(registration=registration, by=admin_user)

    assert (certificate.name_en, certificate.name_zh) == (HK_NAME_EN, HK_NAME_ZH)
    assert str(certificate.hours) == "2.0"
    assert certificate.issued_by_label == admin_user.get_username()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CERTIFICATE_ISSUED)
    assert entry.details["code"] == certificate.code
    assert "overridden" not in entry.details
    [sent] = mail.outbox
    parsed = email.message_from_bytes(message_bytes(sent), policy=email.policy.default)
    [attachment] = [part for part in parsed.iter_attachments()]
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"certificate-{certificate.code}.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert certificate.code in sent.body
    assert Notification.objects.get(certificate=certificate).status == Notification.Status.SENT


def test_certificate_issue_refuses_who_does_not_qualify_unless_overridden(seminar, admin_user):
    registration = RegistrationFactory(seminar=seminar, minutes_online=10)

    with pytest.raises(CertificateNotQualified) as refusal:
        certificate_issue(registration=registration, by=admin_user)
    certificate = certificate_issue(registration=registration, by=admin_user, override=True)

    assert "Only 10 minutes online; 90 needed." in str(refusal.value.message)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CERTIFICATE_ISSUED)
    assert entry.details["overridden"] is True
    assert entry.details["rule_said"] == "Only 10 minutes online; 90 needed."
    assert certificate.registration_id == registration.pk


def test_certificate_issue_refuses_a_second_live_one(seminar, admin_user):
    registration = qualifying_registration(seminar)
    certificate_issue(registration=registration, by=admin_user)

    with pytest.raises(CertificateAlreadyHeld):
        certificate_issue(registration=registration, by=admin_user, override=True)

    assert Certificate.objects.count() == 1


def test_certificate_issue_refuses_when_certificates_are_off(seminar, admin_user):
    seminar.certificates_enabled = False
    seminar.save()
    registration = qualifying_registration(seminar)

    with pytest.raises(CertificatesOff):
        certificate_issue(registration=registration, by=admin_user, override=True)


def test_certificate_revoke_needs_a_reason_and_happens_once(seminar, admin_user):
    certificate = certificate_issue(registration=qualifying_registration(seminar), by=admin_user)

    with pytest.raises(RevokeReasonMissing):
        certificate_revoke(certificate=certificate, by=admin_user, reason="  ")
    certificate_revoke(certificate=certificate, by=admin_user, reason="Left early")
    with pytest.raises(CertificateAlreadyRevoked):
        certificate_revoke(certificate=certificate, by=admin_user, reason="Again")

    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoke_reason == "Left early"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CERTIFICATE_REVOKED).count() == 1


def test_revoked_then_issued_again_gives_a_new_code(seminar, admin_user):
    registration = qualifying_registration(seminar)
    first = certificate_issue(registration=registration, by=admin_user)
    certificate_revoke(certificate=first, by=admin_user, reason="Wrong name")

    second = certificate_issue(registration=registration, by=admin_user)

    assert second.code != first.code


def test_email_of_a_certificate_revoked_before_sending_is_skipped(seminar, admin_user):
    certificate = certificate_issue(registration=qualifying_registration(seminar), by=admin_user)
    certificate_revoke(certificate=certificate, by=admin_user, reason="Issued in error")
    notification = Notification.objects.get(certificate=certificate)

    notification_deliver(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SKIPPED
    assert mail.outbox == []


def test_issue_all_issues_to_who_qualifies_and_counts_progress(
    seminar, admin_user, django_capture_on_commit_callbacks
):
    qualifying = [qualifying_registration(seminar) for _ in range(3)]
    RegistrationFactory(seminar=seminar, minutes_online=5)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue(registration=qualifying[0], by=admin_user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        run = certificates_issue_all(seminar=seminar, by=admin_user)

    run.refresh_from_db()
    assert run.status == CertificateRun.Status.DONE
    assert (run.qualified, run.issued, run.already_held) == (3, 2, 1)
    assert run.requested_by_label == admin_user.get_username()
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 3
    assert len(mail.outbox) == 2


def test_issue_all_twice_issues_nothing_more(
    seminar, admin_user, django_capture_on_commit_callbacks
):
    qualifying_registration(seminar)
    with django_capture_on_commit_callbacks(execute=True):
        certificates_issue_all(seminar=seminar, by=admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        second = certificates_issue_all(seminar=seminar, by=admin_user)

    second.refresh_from_db()
    assert (second.issued, second.already_held) == (0, 1)
    assert Certificate.objects.count() == 1


def test_purge_keeps_the_certificate_verifiable_and_ends_the_download(seminar, admin_user, client):
    registration = qualifying_registration(seminar, name_zh=HK_NAME_ZH)
    certificate = certificate_issue(registration=registration, by=admin_user)
    old_token = registration.token

    personal_data_purge(now=seminar.ends_at, days=-1)

    certificate.refresh_from_db()
    assert certificate.name_zh == HK_NAME_ZH
    verify = client.get(f"/certificates/{certificate.code}/")
    assert HK_NAME_ZH in verify.content.decode()
    assert client.get(f"/r/{old_token}/certificate.pdf").status_code == 404


def test_a_run_lost_with_its_worker_does_not_block_a_new_one(
    seminar, admin_user, django_capture_on_commit_callbacks
):
    qualifying_registration(seminar)
    lost = CertificateRun.objects.create(seminar=seminar, status=CertificateRun.Status.RUNNING)
    CertificateRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))

    with django_capture_on_commit_callbacks(execute=True):
        run = certificates_issue_all(seminar=seminar, by=admin_user)

    lost.refresh_from_db()
    run.refresh_from_db()
    assert run.pk != lost.pk
    assert lost.status == CertificateRun.Status.FAILED
    assert "Stopped without finishing" in lost.error
    assert (run.status, run.issued) == (CertificateRun.Status.DONE, 1)


def test_a_second_click_while_a_run_waits_returns_that_run(seminar, admin_user):
    waiting = CertificateRun.objects.create(seminar=seminar)

    run = certificates_issue_all(seminar=seminar, by=admin_user)

    assert run.pk == waiting.pk
    assert CertificateRun.objects.count() == 1


def test_a_run_skips_who_stopped_qualifying_after_the_list_was_read(seminar, admin_user):
    stays, leaves = qualifying_registration(seminar), qualifying_registration(seminar)
    run = CertificateRun.objects.create(seminar=seminar)
    original = certificate_issue

    def issue_after_a_cancellation(**kwargs):
        if kwargs["registration"].pk == leaves.pk:
            type(leaves).objects.filter(pk=leaves.pk).update(
                status="cancelled", cancelled_at=timezone.now()
            )
        return original(**kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("registrations.certificates.certificate_issue", issue_after_a_cancellation)
        certificate_run_execute(run=run)

    run.refresh_from_db()
    assert (run.status, run.qualified, run.issued, run.already_held) == ("done", 2, 1, 0)
    assert list(Certificate.objects.values_list("registration", flat=True)) == [stays.pk]


# --- Review fixes -----------------------------------------------------------------------------


def test_cpd_hours_of_zero_or_less_are_refused_next_to_the_field_and_by_the_database(seminar):
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from seminar.models import Seminar

    for hours in ["0", "-1.5"]:
        seminar.cpd_hours = Decimal(hours)
        with pytest.raises(ValidationError) as invalid:
            seminar.full_clean()
        assert invalid.value.message_dict["cpd_hours"] == ["CPD hours must be more than 0."]
        with pytest.raises(IntegrityError), transaction.atomic():
            Seminar.objects.filter(pk=seminar.pk).update(cpd_hours=Decimal(hours))


def test_an_issue_failing_for_another_reason_is_not_reported_as_already_held(seminar, admin_user):
    # Hours that are not positive (a seminar saved before the constraint, or a programme whose
    # sessions round to 0) said "already holds a certificate"; now the real reason.
    registration = qualifying_registration(seminar)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("registrations.certificates.seminar_cpd_hours", lambda **_: Decimal("0"))
        with pytest.raises(CertificateHoursInvalid) as refusal:
            certificate_issue(registration=registration, by=admin_user)
        run = CertificateRun.objects.create(seminar=seminar)
        certificate_run_execute(run=run)

    assert "CPD hours must be more than 0" in str(refusal.value.message)
    run.refresh_from_db()
    assert (run.status, run.issued, run.already_held) == ("failed", 0, 0)
    assert "CPD hours must be more than 0" in run.error
    assert Certificate.objects.count() == 0


def test_a_constraint_other_than_one_live_certificate_is_raised_as_itself(seminar, admin_user):
    from django.db import IntegrityError

    registration = qualifying_registration(seminar)

    def create_failing(**fields):
        raise IntegrityError("CHECK constraint failed: certificate_hours_positive")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Certificate.objects, "create", create_failing)
        with pytest.raises(IntegrityError, match="certificate_hours_positive"):
            certificate_issue(registration=registration, by=admin_user)


def test_nothing_is_issued_before_the_seminar_has_ended(admin_user):
    starts_at = timezone.now() - timedelta(hours=1)
    running = past_seminar_with_certificates(
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2)
    )
    registration = qualifying_registration(running)

    with pytest.raises(CertificateSeminarNotOver) as by_hand:
        certificate_issue(registration=registration, by=admin_user, override=True)
    with pytest.raises(CertificateSeminarNotOver):
        certificates_issue_all(seminar=running, by=admin_user)

    assert "once the seminar has ended" in str(by_hand.value.message)
    assert Certificate.objects.count() == 0
    assert CertificateRun.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_email_queued_at_issue_is_skipped_when_revoked_before_the_worker_runs(
    settings, admin_user, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    seminar = past_seminar_with_certificates()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(
            registration=qualifying_registration(seminar), by=admin_user
        )
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # queued, not sent
    certificate_revoke(certificate=certificate, by=admin_user, reason="Issued in error")

    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)

    assert mail.outbox == []
    notification = Notification.objects.get(certificate=certificate)
    assert notification.status == Notification.Status.SKIPPED


def test_revoking_drops_the_cached_pdf(seminar, admin_user, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from registrations.certificate_pdf import certificate_pdf_cached

    certificate = certificate_issue(registration=qualifying_registration(seminar), by=admin_user)
    certificate_pdf_cached(certificate=certificate)
    key = f"certificate-pdf:{certificate.code}:{certificate.registration.preferred_language}"
    assert cache.get(key).startswith(b"%PDF")

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, by=admin_user, reason="Issued in error")

    assert cache.get(key) is None


def test_the_email_has_no_private_link(seminar, admin_user, django_capture_on_commit_callbacks):
    registration = qualifying_registration(seminar)

    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(registration=registration, by=admin_user)

    [sent] = mail.outbox
    html = sent.alternatives[0][0]
    assert registration.token not in sent.body
    assert registration.token not in html
    assert f"/certificates/{certificate.code}/" in sent.body
