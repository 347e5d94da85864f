from modeltranslation.translator import TranslationOptions, register

from faelles.reports.models import ReportEdition, SectionText


@register(ReportEdition)
class ReportEditionTranslationOptions(TranslationOptions):
    fields = ("foreword",)


@register(SectionText)
class SectionTextTranslationOptions(TranslationOptions):
    fields = ("text",)
