from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from faelles.core.forms import IdempotentFormMixin


class EditionCreateForm(IdempotentFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100,
        help_text=_("The year the report covers."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["year"].initial = timezone.localdate().year
