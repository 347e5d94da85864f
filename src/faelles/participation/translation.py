from modeltranslation.translator import TranslationOptions, register

from faelles.participation.models import DraftVersion, Meeting, Paragraph, Phase, Process, Question


@register(Process)
class ProcessTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "text", "image_alt")


@register(Phase)
class PhaseTranslationOptions(TranslationOptions):
    fields = ("title", "text")


@register(Question)
class QuestionTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(DraftVersion)
class DraftVersionTranslationOptions(TranslationOptions):
    fields = ("title", "changes")


@register(Paragraph)
class ParagraphTranslationOptions(TranslationOptions):
    fields = ("heading", "text")
