from modeltranslation.translator import TranslationOptions, register

from faelles.indicators.models import Indicator


@register(Indicator)
class IndicatorTranslationOptions(TranslationOptions):
    fields = ("title", "description", "unit", "stat_conc_def", "data_comp", "rec_use_lim")
