"""The registrations app's models, one module per subject; import them from here."""

from .attendance import AttendanceChange, AttendanceImport
from .audit import AuditEntry
from .certificates import Certificate, CertificateRun
from .heartbeat import Heartbeat
from .outbox import EmailText, Notification
from .outreach import Announcement, DigestSubscription, OpeningAlert
from .questions import (
    CONDITION_FIELDS,
    Answer,
    AnswerChoice,
    Question,
    QuestionCondition,
    QuestionOption,
)
from .registration import (
    FIGURES_FIELDS,
    IDENTIFYING_FIELDS,
    NAME_REQUIRED,
    RECORD_FIELDS,
    REGISTRANT_FIELDS,
    TRACKING_FIELDS,
    Registration,
    checkin_code_generate,
    token_generate,
)
from .surveys import (
    SURVEY_OPEN_DAYS,
    Survey,
    SurveyAnswer,
    SurveyAnswerChoice,
    SurveyOption,
    SurveyParticipation,
    SurveyQuestion,
    SurveyResponse,
)
from .webhooks import (
    PING,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    webhook_secret_generate,
)

__all__ = [
    "CONDITION_FIELDS",
    "FIGURES_FIELDS",
    "IDENTIFYING_FIELDS",
    "NAME_REQUIRED",
    "PING",
    "RECORD_FIELDS",
    "REGISTRANT_FIELDS",
    "SURVEY_OPEN_DAYS",
    "TRACKING_FIELDS",
    "Announcement",
    "Answer",
    "AnswerChoice",
    "AttendanceChange",
    "AttendanceImport",
    "AuditEntry",
    "Certificate",
    "CertificateRun",
    "DigestSubscription",
    "EmailText",
    "Heartbeat",
    "Notification",
    "OpeningAlert",
    "Question",
    "QuestionCondition",
    "QuestionOption",
    "Registration",
    "Survey",
    "SurveyAnswer",
    "SurveyAnswerChoice",
    "SurveyOption",
    "SurveyParticipation",
    "SurveyQuestion",
    "SurveyResponse",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "checkin_code_generate",
    "token_generate",
    "webhook_secret_generate",
]
