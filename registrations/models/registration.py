"""A sign-up for a seminar, and the domain's lists of its fields.

Status changes (confirm, waitlist, cancel, promote) belong to services.py, which keeps the seminar's
seat counter right under a row lock. The constraints here are the backstop if code ever forgets.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from seminar.models import AttendanceMode, Seminar
from seminar.tracking import TRACKING_PARAMETERS

NAME_REQUIRED = _("Enter a name in English or in Chinese (at least one).")


def token_generate() -> str:
    """256 random bits, URL-safe; unrelated to the id or the email so it cannot be guessed."""
    return secrets.token_urlsafe(32)


# Crockford-style: no 0/O or 1/I/L, so a code read aloud or typed at the door is not misread.
CHECKIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECKIN_CODE_LENGTH = 10


def checkin_code_generate() -> str:
    """What the QR code at the door encodes: random (about 50 bits), nothing personal in it."""
    return "".join(secrets.choice(CHECKIN_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        # Screening (Seminar.requires_approval): pending holds no seat until an organiser
        # approves it; declined is final and never promoted.
        PENDING = "pending", _("Awaiting approval")
        DECLINED = "declined", _("Declined")

    class Salutation(models.TextChoices):
        MR = "mr", _("Mr")
        MS = "ms", _("Ms")
        MRS = "mrs", _("Mrs")
        DR = "dr", _("Dr")
        PROF = "prof", _("Professor")

    class ParticipantType(models.TextChoices):
        SME = "sme", _("SME representative")
        IP_PRACTITIONER = "ip_practitioner", _("IP practitioner")
        GOVERNMENT = "government", _("Government official")
        ACADEMIC = "academic", _("Academic or student")
        OTHER = "other", _("Other")

    class OrganisationSize(models.TextChoices):
        MICRO = "1-9", _("1 to 9 employees")
        SMALL = "10-49", _("10 to 49 employees")
        MEDIUM = "50-99", _("50 to 99 employees")
        LARGE = "100+", _("100 or more employees")

    class Region(models.TextChoices):
        HONG_KONG = "hong_kong", _("Hong Kong")
        MAINLAND = "mainland", _("Mainland China")
        MACAO = "macao", _("Macao")
        OTHER = "other", _("Other")

    class Industry(models.TextChoices):
        MANUFACTURING = "manufacturing", _("Manufacturing")
        TRADING = "trading", _("Trading, wholesale and retail")
        PROFESSIONAL = "professional", _("Legal and professional services")
        TECHNOLOGY = "technology", _("Information technology and innovation")
        CREATIVE = "creative", _("Design, media and creative industries")
        FINANCE = "finance", _("Finance and insurance")
        EDUCATION = "education", _("Education and research")
        PUBLIC = "public", _("Public sector")
        OTHER = "other", _("Other")

    class Language(models.TextChoices):
        EN = "en", "English"
        ZH_HANT = "zh-hant", "繁體中文"
        ZH_HANS = "zh-hans", "简体中文"

    class HeardFrom(models.TextChoices):
        ORGANISER_EMAIL = "organiser_email", _("Email from the organisers")
        GOVERNMENT_WEBSITE = "government_website", _("Government website")
        PARTNER = "partner", _("Trade association or partner body")
        SOCIAL_MEDIA = "social_media", _("Social media")
        COLLEAGUE = "colleague", _("Colleague or friend")
        NEWS = "news", _("News or press")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        WEB = "web", _("Registration form")
        ADMIN = "admin", _("Added by an organiser")
        DESK = "desk", _("Walk-in at the door")
        # Another system of the organisers' (a CRM, a partner's sign-up page) through the REST
        # API: held to the same rules as the public form.
        API = "api", _("Through the API")

    seminar = models.ForeignKey(
        Seminar, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("seminar")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, db_index=True)
    # "Title" as in Mr or Ms, not a seminar's title: a context keeps the translations apart.
    salutation = models.CharField(
        pgettext_lazy("form of address, e.g. Mr or Ms", "title"),
        max_length=10,
        choices=Salutation,
        blank=True,
    )
    # Either name will do (many Mainland participants have no name in English); at least one is
    # required, by clean() for people and by the check constraint below for everything else.
    name_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("As on your business card or ID, e.g. CHAN Tai Man."),
    )
    name_zh = models.CharField(_("name in Chinese"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation = models.CharField(_("organisation"), max_length=255)
    job_title = models.CharField(_("job title"), max_length=255, blank=True)
    participant_type = models.CharField(
        _("I am attending as"), max_length=20, choices=ParticipantType
    )
    organisation_size = models.CharField(
        _("organisation size"), max_length=10, choices=OrganisationSize, blank=True
    )
    region = models.CharField(_("based in"), max_length=20, choices=Region)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry)
    preferred_language = models.CharField(
        _("preferred language for emails"), max_length=10, choices=Language, default=Language.EN
    )
    # Set by the booking service from the seminar's format; chosen by the registrant only at a
    # hybrid seminar, where each mode has its own seats and waitlist. Named as organisers read
    # it; the public form asks in its own words ("How will you attend?").
    attendance_mode = models.CharField(
        _("attendance mode"), max_length=20, choices=AttendanceMode, default=AttendanceMode.ONLINE
    )
    heard_from = models.CharField(
        _("how did you hear about this seminar?"), max_length=30, choices=HeardFrom, blank=True
    )
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.WEB)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    utm_term = models.CharField(max_length=100, blank=True)
    utm_content = models.CharField(max_length=100, blank=True)
    ref = models.CharField(_("referral code"), max_length=100, blank=True)
    consent_at = models.DateTimeField(_("consented to the collection statement at"))
    consent_version = models.CharField(_("collection statement version"), max_length=20)
    news_opt_in = models.BooleanField(_("agreed to receive news of future events"), default=False)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    minutes_online = models.PositiveIntegerField(_("minutes online"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=token_generate, editable=False)
    # The personal join link (/j/<join_token>/): a separate secret from `token`, so a forwarded
    # join link opens the meeting and nothing else.
    join_token = models.CharField(
        max_length=64, unique=True, default=token_generate, editable=False
    )
    join_first_opened_at = models.DateTimeField(
        _("first opened the join link"), null=True, blank=True
    )
    join_last_opened_at = models.DateTimeField(
        _("last opened the join link"), null=True, blank=True
    )
    join_opens = models.PositiveIntegerField(_("join link opens"), default=0)
    # What the QR code on the confirmation encodes; staff at the door may also type it.
    checkin_code = models.CharField(
        _("check-in code"),
        max_length=CHECKIN_CODE_LENGTH,
        unique=True,
        default=checkin_code_generate,
        editable=False,
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    checked_in_by_label = models.CharField(_("checked in by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # When the registration joined its waitlist: the waitlist's order. Not the booking time,
    # because an approved registration or a change of mode joins at the back.
    waitlisted_at = models.DateTimeField(_("joined the waitlist at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("approved or declined at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)
    # A new address the registrant asked for on their page. It replaces `email` only when a link
    # sent to it is opened (services.registration_email_confirm), so whoever holds the private
    # link learns nothing about other registrations and cannot redirect the emails unchecked.
    email_pending = models.EmailField(
        _("new email address awaiting confirmation"), max_length=254, blank=True
    )
    email_pending_since = models.DateTimeField(
        _("email change requested at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "seminar",
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_email",
                violation_error_message=_("This email address is already registered."),
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="registration_cancelled_at_matches_status",
            ),
            # Once personal data is removed (privacy.py), neither name is left, on purpose.
            models.CheckConstraint(
                condition=~Q(name_en="") | ~Q(name_zh="") | Q(anonymised_at__isnull=False),
                name="registration_named_in_either_language",
                violation_error_message=NAME_REQUIRED,
            ),
            models.CheckConstraint(
                condition=Q(attendance_mode__in=AttendanceMode.values),
                name="registration_attendance_mode_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="registration_waitlisted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["seminar", "status"], name="registration_seminar_status")]
        permissions = [
            ("view_dashboard", _("Can view the headcount dashboard and post-event summary")),
            ("export_registration", _("Can export attendee lists")),
            ("import_attendance", _("Can import attendance reports")),
            ("check_in", _("Can check people in at the door and register walk-ins")),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>"

    def get_absolute_url(self) -> str:
        """The registrant's private page; anyone holding this URL can manage the registration."""
        return reverse("registrations:manage", kwargs={"token": self.token})

    def clean(self) -> None:
        super().clean()
        if self.anonymised_at is None and not (self.name_en.strip() or self.name_zh.strip()):
            # Shown next to the first name field on the public form, the registrant's page and
            # the admin, which all validate through the model.
            raise ValidationError({"name_en": NAME_REQUIRED})

    @property
    def display_name(self) -> str:
        """Whichever names exist: "CHAN Tai Man 陳大文", "CHAN Tai Man" or "陳大文"."""
        return " ".join(part for part in (self.name_en, self.name_zh) if part)

    @property
    def display_name_with_salutation(self) -> str:
        """ "Ms CHAN Tai Man 陳大文" in English; in Chinese the title follows the name:
        "CHAN Tai Man 陳大文女士". In the active language."""
        return self._with_salutation(self.display_name)

    @property
    def greeting_name(self) -> str:
        """The one name to address the registrant by, in the active language: "Ms CHAN Tai Man",
        "陳大文女士" (the Chinese name first in Chinese, the English one first in English)."""
        chinese = (get_language() or "").startswith("zh")
        names = (self.name_zh, self.name_en) if chinese else (self.name_en, self.name_zh)
        return self._with_salutation(next((name for name in names if name), ""))

    def _with_salutation(self, name: str) -> str:
        if not self.salutation or not name:
            return name
        return pgettext("salutation and name of a registrant", "%(salutation)s %(name)s") % {
            "salutation": self.get_salutation_display(),
            "name": name,
        }

    @property
    def is_active(self) -> bool:
        """Still standing: holds its email address for the seminar. Declined registrations
        stay inactive for good (the address stays taken, so a decline cannot be dodged)."""
        return self.status not in (self.Status.CANCELLED, self.Status.DECLINED)

    @property
    def seat_is_confirmed(self) -> bool:
        """Confirmed for a seminar that is still going ahead: the one test for saying "your seat
        is confirmed" and for handing out the joining details (page, calendar file, emails)."""
        return (
            self.status == self.Status.CONFIRMED and self.seminar.status != Seminar.Status.CANCELLED
        )

    @property
    def gets_joining_details(self) -> bool:
        """Whether the join link and instructions are for this registrant (once the seat is
        confirmed): they are for those who attend online. Everyone at an online seminar, the
        online attendees at a hybrid one, nobody at an in-person one, whatever the join link
        field still holds (a seminar moved into the room often keeps its old webinar link).
        Every email, calendar file, page and placeholder that shows joining details asks this."""
        if self.seminar.format == Seminar.Format.IN_PERSON:
            return False
        return not self.seminar.is_hybrid or self.attendance_mode == AttendanceMode.ONLINE

    @property
    def gets_venue(self) -> bool:
        """Whether the venue is where this registrant goes: everyone at an in-person seminar,
        those in the room at a hybrid one, nobody at an online one (whatever the venue field
        still holds after a move online); online attendees' emails and calendars point at the
        join link instead."""
        if self.seminar.format == Seminar.Format.ONLINE:
            return False
        return not self.seminar.is_hybrid or self.attendance_mode == AttendanceMode.IN_PERSON


# The domain's lists of Registration fields. Forms, the admin, the privacy clean-up and the exports
# read them from here, so adding a field means adding it to the right list once; a test fails if a
# field that can name a person is in no list the clean-up clears.

# What the registrant tells us and may change later: the public form, their own page, the admin.
REGISTRANT_FIELDS = (
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
    "news_opt_in",
)
# Where they came from: the landing URL's campaign parameters, one column each.
TRACKING_FIELDS = TRACKING_PARAMETERS
# What can identify a person: cleared when personal data is removed (privacy.py). Email and token
# are replaced rather than cleared, which keeps the unique constraints satisfied.
IDENTIFYING_FIELDS = (
    "salutation",
    "name_en",
    "name_zh",
    "email",
    "phone",
    "organisation",
    "job_title",
    "token",
    "join_token",  # a forwarded personal join link still points at one person
    "checkin_code",
    "email_pending",
    *TRACKING_FIELDS,  # a referral code or campaign can point at one person
)
# Kept after the clean-up because the dashboard and the post-event figures count them; none of
# them names a person on its own.
FIGURES_FIELDS = (
    "participant_type",
    "organisation_size",
    "region",
    "industry",
    "preferred_language",
    "heard_from",
    "source",
    "attendance_mode",
)
# Facts about the booking rather than the person: its state, dates, consent and attendance.
RECORD_FIELDS = (
    "id",
    "seminar",
    "status",
    "consent_at",
    "consent_version",
    "news_opt_in",  # switched off by the clean-up: nobody is left to send news to
    "attended",
    "minutes_online",
    "created_at",
    "updated_at",
    "confirmed_at",
    "waitlisted_at",
    "reviewed_at",
    "cancelled_at",
    "anonymised_at",
    "email_pending_since",
    # Attendance facts: when the join link was opened, when and by which member of staff the
    # person was checked in at the door.
    "join_first_opened_at",
    "join_last_opened_at",
    "join_opens",
    "checked_in_at",
    "checked_in_by",
    "checked_in_by_label",
)
