from modeltranslation.translator import TranslationOptions, register

from .models import Announcement, EmailText, Question, QuestionOption


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
