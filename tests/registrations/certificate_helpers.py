"""Seminars with certificates on, and certificates issued, for the certificate tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from registrations.models import Certificate, Registration
from tests.factories import RegistrationFactory, SeminarFactory, SeminarPartnerFactory

# Hong Kong names with characters outside Big5's common set: 峯 (U+5CEF), 邨 (U+90A8) and
# 𨋢 (U+282E2, HKSCS, outside the Basic Multilingual Plane).
HK_NAME_ZH = "李峯邨𨋢"
HK_NAME_EN = "LEE Fung Tsuen"


def past_seminar_with_certificates(**fields) -> "SeminarFactory":
    """A two-hour online seminar that ended yesterday, certificates on, 75 % online needed."""
    starts_at = timezone.now() - timedelta(days=1, hours=3)
    defaults = {
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "registration_opens_at": starts_at - timedelta(days=30),
        "certificates_enabled": True,
        "certificate_online_unit": "percent",
        "certificate_online_minimum": 75,
        "certificate_signatory_name_en": "Dr CHEUNG Wai Man",
        "certificate_signatory_name_zh_hant": "張偉文博士",
        "certificate_signatory_name_zh_hans": "张伟文博士",
        "certificate_signatory_title_en": "Director of Intellectual Property",
        "certificate_signatory_title_zh_hant": "知識產權署署長",
        "certificate_signatory_title_zh_hans": "知识产权署署长",
        "title_zh_hans": "知识产权与中小企业研讨会",
    }
    seminar = SeminarFactory(**{**defaults, **fields})
    SeminarPartnerFactory(
        seminar=seminar,
        organisation__name_en="Intellectual Property Department",
        organisation__name_zh_hant="知識產權署",
        organisation__name_zh_hans="知识产权署",
    )
    return seminar


def qualifying_registration(seminar, **fields) -> Registration:
    return RegistrationFactory(seminar=seminar, minutes_online=110, attended=True, **fields)


def certificate_row(registration: Registration, **fields) -> Certificate:
    """A certificate written directly (no email), as issued."""
    return Certificate.objects.create(
        registration=registration,
        name_en=registration.name_en,
        name_zh=registration.name_zh,
        hours=fields.pop("hours", Decimal("2.0")),
        issued_by_label="organiser",
        **fields,
    )
