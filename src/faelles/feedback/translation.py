from modeltranslation.translator import TranslationOptions, register

from faelles.feedback.models import Status


@register(Status)
class StatusTranslationOptions(TranslationOptions):
    fields = ("name", "description")
