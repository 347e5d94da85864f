from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from faelles.core.forms import IdempotentFormMixin
from faelles.feedback.models import EventKind, Frequency, Status


class AnswerForm(IdempotentFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Public. Give the reasons. Markdown."),
    )
    status = forms.ModelChoiceField(
        label=_("Status after the answer"), queryset=Status.objects.none(), required=False,
        help_text=_("Empty: “answered” if the contribution is still received or in progress."),
    )

    def __init__(self, *args: Any, municipality: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = Status.objects.filter(municipality=municipality)


class BulkAnswerForm(AnswerForm):
    contributions = forms.TypedMultipleChoiceField(
        label=_("Contributions this answer covers"), coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contributions"].choices = choices
        # The checkboxes come first on the page.
        self.order_fields(["contributions", "text", "status"])


class StatusForm(forms.Form):
    status = forms.ModelChoiceField(label=_("New status"), queryset=Status.objects.none())
    note = forms.CharField(label=_("Public note"), required=False, max_length=500)

    def __init__(self, *args: Any, municipality: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = Status.objects.filter(municipality=municipality)


class OutcomeForm(forms.Form):
    target = forms.ChoiceField(label=_("What it led to"))
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("How the contribution led to it. Public."))
    change = forms.CharField(label=_("The change in the document"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Only for a document: what changed."))

    def __init__(self, *args: Any, municipality: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from faelles.strategy.models import Decision, Initiative, StrategyDocument

        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (str(_("Decisions")), [(f"decision:{d.pk}", str(d)) for d in
                                   Decision.objects.filter(municipality=municipality)]),
            (str(_("Initiatives")), [(f"initiative:{i.pk}", str(i)) for i in
                                     Initiative.objects.filter(municipality=municipality)]),
            (str(_("Documents")), [(f"document:{d.pk}", str(d)) for d in
                                   StrategyDocument.objects.filter(municipality=municipality)]),
        ]
        self.fields["target"].choices = [("", "---------"), *groups]


class DetailsForm(forms.Form):
    memo_section = forms.CharField(label=_("Section in the hearing memo"), required=False,
                                   max_length=200)
    deadline_override = forms.DateField(label=_("Answer by (override)"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    address = forms.CharField(label=_("Address (for the responder list)"), required=False,
                              max_length=300)
    address_protected = forms.BooleanField(label=_("Protected address"), required=False)


class PreferencesForm(forms.Form):
    def __init__(self, *args: Any, current: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        for kind in EventKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=capfirst(kind.label), choices=Frequency.choices, widget=forms.RadioSelect,
                initial=current.get(kind.value, Frequency.IMMEDIATELY),
            )
