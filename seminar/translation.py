"""Fields organisers enter once per language (English, Traditional and Simplified Chinese)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Organisation, Seminar, Series, Session, Speaker


@register(Seminar)
class SeminarTranslation(TranslationOptions):
    fields = (
        "title",
        "theme",
        "description",
        "venue",
        "joining_instructions",
        "enquiries_name",
        "certificate_signatory_name",
        "certificate_signatory_title",
    )
    required_languages = {"en": ("title",)}


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = {"en": ("title",)}


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("honorific", "job_title", "bio")


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "short_name")
    required_languages = {"en": ("name",)}


@register(Series)
class SeriesTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}
