import pytest

from registrations.models import Certificate, Notification
from registrations.qualification import registrations_qualifying
from seminar.models import Seminar
from tests.registrations.test_demo import load_demo

pytestmark = pytest.mark.django_db

PAST = "2022-gd-hk-ip-sme-seminar"


def test_the_past_demo_seminar_has_certificates_for_who_qualifies_and_one_revoked(client):
    output = load_demo()

    seminar = Seminar.objects.get(slug=PAST)
    assert seminar.certificates_enabled
    assert seminar.certificate_signatory_name_zh_hant and seminar.certificate_signatory_name_zh_hans
    certificates = Certificate.objects.filter(registration__seminar=seminar)
    qualifying = set(registrations_qualifying(seminar=seminar).values_list("pk", flat=True))
    assert len(qualifying) > 20  # online for long enough (check-ins add more)
    assert set(certificates.values_list("registration", flat=True)) == qualifying
    assert certificates.filter(revoked_at__isnull=False).count() == 1
    assert not Notification.objects.filter(
        kind=Notification.Kind.CERTIFICATE, status=Notification.Status.PENDING
    ).exists()
    assert "certificates of attendance" in output
    revoked = certificates.get(revoked_at__isnull=False)
    assert "Revoked on" in client.get(f"/certificates/{revoked.code}/").content.decode()


def test_loading_the_demo_twice_issues_no_more_certificates():
    load_demo()
    count = Certificate.objects.count()

    load_demo()

    assert Certificate.objects.count() == count
