from modeltranslation.translator import TranslationOptions, register

from .models import EmailText


@register(EmailText)
class EmailTextTranslation(TranslationOptions):
    fields = ("intro",)
    required_languages = {"en": ("intro",)}
