from modeltranslation.translator import TranslationOptions, register

from faelles.sdg.models import Goal, Indicator, Target


@register(Goal)
class GoalTranslationOptions(TranslationOptions):
    fields = ("short_title", "title")


@register(Target)
class TargetTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Indicator)
class IndicatorTranslationOptions(TranslationOptions):
    fields = ("title",)
