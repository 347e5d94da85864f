from modeltranslation.translator import TranslationOptions, register

from faelles.strategy.models import (
    Decision,
    DocumentPoint,
    FocusSDG,
    Goal,
    Initiative,
    Milestone,
    Pillar,
    StrategyDocument,
    Vision,
)


@register(Vision)
class VisionTranslationOptions(TranslationOptions):
    fields = ("title", "text")


@register(Pillar)
class PillarTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "text")


@register(FocusSDG)
class FocusSDGTranslationOptions(TranslationOptions):
    fields = ("keywords", "text")


@register(Decision)
class DecisionTranslationOptions(TranslationOptions):
    fields = ("title", "text")


@register(StrategyDocument)
class StrategyDocumentTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "text")


@register(DocumentPoint)
class DocumentPointTranslationOptions(TranslationOptions):
    fields = ("group", "title", "text")


@register(Goal)
class GoalTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description")


@register(Initiative)
class InitiativeTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description", "department")


@register(Milestone)
class MilestoneTranslationOptions(TranslationOptions):
    fields = ("title", "description")
