from modeltranslation.translator import TranslationOptions, register

from .models import (
    Announcement,
    EmailText,
    Question,
    QuestionOption,
    Survey,
    SurveyOption,
    SurveyQuestion,
)


@register(EmailText)
class EmailTextTranslation(TranslationOptions):
    fields = ("intro",)
    required_languages = {"en": ("intro",)}


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "help_text")
    required_languages = {"en": ("label",)}


@register(QuestionOption)
class QuestionOptionTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = {"en": ("label",)}


@register(Announcement)
class AnnouncementTranslation(TranslationOptions):
    fields = ("subject", "body")
    required_languages = {"en": ("subject", "body")}


@register(Survey)
class SurveyTranslation(TranslationOptions):
    fields = ("intro",)


@register(SurveyQuestion)
class SurveyQuestionTranslation(TranslationOptions):
    fields = ("label", "help_text", "headline")
    required_languages = {"en": ("label",)}


@register(SurveyOption)
class SurveyOptionTranslation(TranslationOptions):
    fields = ("label",)
    required_languages = {"en": ("label",)}
