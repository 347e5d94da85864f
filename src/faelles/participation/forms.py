"""Forms parse and validate input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from faelles.core.forms import IdempotentFormMixin
from faelles.core.uploads import clean_document, clean_image
from faelles.participation.models import (
    ContributionKind,
    Neighbourhood,
    OfflineSource,
    ReportReason,
)
from faelles.participation.services import (
    COMMENT_MAX,
    TEXT_MAX,
    TITLE_MAX,
    TITLE_MIN,
    validate_markdown_text,
)


class AttachmentMixin(forms.Form):
    """An optional PDF or picture, checked by content (faelles.core.uploads.clean_document).

    A browser cannot keep a chosen file when a form comes back with errors, so the message says
    to choose it again; every other field keeps what was typed.
    """

    attachment = forms.FileField(
        label=_("Attach a file (optional)"), required=False,
        help_text=_("A PDF or a picture, at most 10 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned_attachment: Any = None
        # The file comes last, whatever the order of the form's own fields.
        rest = [n for n in self.fields if n not in ("attachment", "remove_attachment")]
        self.order_fields([*rest, "attachment", "remove_attachment"])

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                self.cleaned_attachment = clean_document(upload)
            except ValidationError as exc:
                raise ValidationError(
                    _("%(problem)s Choose the file again. The rest of what you wrote is kept.")
                    % {"problem": " ".join(exc.messages)},
                    code=exc.code or "invalid",
                ) from exc
        return upload

    @property
    def file_lost(self) -> bool:
        """A file was sent but the form came back: the person must choose it again."""
        return bool(self.is_bound and self.errors and self.files.get("attachment"))


class ContributionForm(AttachmentMixin, IdempotentFormMixin):
    kind = forms.ChoiceField(label=_("What kind of contribution is it?"), choices=(),
                             widget=forms.RadioSelect)
    question = forms.TypedChoiceField(label=_("Which question do you answer?"), choices=(),
                                      coerce=int, required=False, widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("Title"), min_length=TITLE_MIN, max_length=TITLE_MAX,
        help_text=_("A short headline that says what it is about."),
    )
    text = forms.CharField(
        label=_("Your contribution"), max_length=TEXT_MAX, min_length=10,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Write in plain text. You can use markdown, e.g. **bold** or a list with "
                    "dashes."),
        validators=[validate_markdown_text],
    )
    neighbourhood = forms.ChoiceField(
        label=_("Which area is it about?"), required=False,
        choices=[("", _("No particular area")), *Neighbourhood.choices],
    )
    pillars = forms.TypedMultipleChoiceField(
        label=_("Themes"), required=False, coerce=int, choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    image = forms.FileField(
        label=_("Picture"), required=False,
        help_text=_("JPEG, PNG, WebP or GIF, at most 10 MB."),
    )
    image_alt = forms.CharField(
        label=_("Describe the picture"), required=False, max_length=300,
        help_text=_("Required with a picture: what does it show? Read aloud to people who "
                    "cannot see it."),
    )
    on_behalf_of = forms.TypedChoiceField(
        label=_("Write on behalf of"), required=False, coerce=int, choices=(),
    )
    publish_name = forms.BooleanField(
        label=_("Show my name with the contribution"), required=False, initial=True,
    )
    paragraph = forms.TypedChoiceField(
        label=_("Which part of the draft is it about?"), required=False, coerce=int, choices=(),
    )
    protected_address = forms.BooleanField(
        label=_("I have a protected address (hemmelig adresse)"), required=False,
        help_text=_("Then your name is never shown in public."),
    )

    def __init__(self, *args: Any, kinds: list[str], questions: list[Any],
                 pillars: list[Any], organisations: list[Any], paragraphs: list[Any] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hearing = ContributionKind.HEARING_RESPONSE in kinds
        if hearing:
            # The rule Albertslund states on its hearings (reference/denmark.md 1.8).
            self.fields["publish_name"].label = _(
                "I agree that my name is shown in the final list of hearing responses"
            )
        else:
            del self.fields["protected_address"]
        if hearing and paragraphs:
            self.fields["paragraph"].choices = [
                ("", _("The whole draft")),
                *[(p.pk, f"{p.key} {p.heading}".strip()) for p in paragraphs],
            ]
        else:
            del self.fields["paragraph"]
        labels = dict(ContributionKind.choices)
        self.fields["kind"].choices = [(k, str(labels[k]).capitalize()) for k in kinds]
        if kinds:
            self.fields["kind"].initial = kinds[0]
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
        if questions:
            self.fields["question"].choices = [(q.pk, q.text) for q in questions]
            self.fields["question"].required = True
        else:
            del self.fields["question"]
        if pillars:
            self.fields["pillars"].choices = [(p.pk, p.title) for p in pillars]
        else:
            del self.fields["pillars"]
        if organisations:
            self.fields["on_behalf_of"].choices = [
                ("", _("Myself")), *[(o.pk, o.name) for o in organisations]
            ]
        else:
            del self.fields["on_behalf_of"]
        self.cleaned_image = None

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if upload:
            self.cleaned_image = clean_image(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Describe the picture for people who cannot see it."))
        return data


class ContributionEditForm(AttachmentMixin, forms.Form):
    title = forms.CharField(label=_("Title"), min_length=TITLE_MIN, max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("Your contribution"), max_length=TEXT_MAX, min_length=10,
        widget=forms.Textarea(attrs={"rows": 10}), validators=[validate_markdown_text],
    )
    remove_attachment = forms.BooleanField(label=_("Remove the attached file"), required=False)

    def __init__(self, *args: Any, has_attachment: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_attachment:
            self.fields["attachment"].label = _("Replace the attached file (optional)")
        else:
            del self.fields["remove_attachment"]


class CommentEditForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=COMMENT_MAX, min_length=2,
        widget=forms.Textarea(attrs={"rows": 4}), validators=[validate_markdown_text],
    )


class CommentForm(IdempotentFormMixin):
    text = forms.CharField(
        label=_("Your comment"), max_length=COMMENT_MAX, min_length=2,
        widget=forms.Textarea(attrs={"rows": 4}), validators=[validate_markdown_text],
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(IdempotentFormMixin):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=ReportReason.choices,
                               widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Explain (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(choices=[("hide", _("Hide")), ("dismiss", _("Dismiss"))],
                                 label=_("Decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Public reason"), required=False, max_length=300,
        help_text=_("Shown instead of the hidden text. Required when hiding."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "hide" and not (data.get("reason") or "").strip():
            raise ValidationError({"reason": _("Write the reason. It is shown publicly.")})
        return data


class OfflineContributionForm(AttachmentMixin, IdempotentFormMixin):
    """Staff type in a letter, e-mail, phone call or workshop note so it gets an answer."""

    offline_source = forms.ChoiceField(
        label=_("How did it come in?"),
        choices=[c for c in OfflineSource.choices if c[0]], widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionKind.choices)
    offline_author_name = forms.CharField(label=_("Name of the sender"), required=False,
                                          max_length=200)
    publish_name = forms.BooleanField(
        label=_("The sender agrees that the name is shown"), required=False,
    )
    received_on = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
    )
    meeting = forms.TypedChoiceField(label=_("Born at the meeting"), required=False, coerce=int,
                                     choices=())
    title = forms.CharField(label=_("Title"), min_length=TITLE_MIN, max_length=TITLE_MAX)
    text = forms.CharField(label=_("Text"), max_length=TEXT_MAX, min_length=10,
                           widget=forms.Textarea(attrs={"rows": 8}),
                           validators=[validate_markdown_text])
    neighbourhood = forms.ChoiceField(
        label=_("Which area is it about?"), required=False,
        choices=[("", _("No particular area")), *Neighbourhood.choices],
    )

    def __init__(self, *args: Any, meetings: list[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if meetings:
            self.fields["meeting"].choices = [("", "–"), *[(m.pk, m.title) for m in meetings]]
        else:
            del self.fields["meeting"]


class RedactionForm(forms.Form):
    text = forms.CharField(
        label=_("Text to publish"), required=False, max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}), validators=[validate_markdown_text],
        help_text=_("Remove personal data about others. Leave empty to publish the original."),
    )
    reason = forms.CharField(label=_("Reason (shown publicly)"), required=False, max_length=300)


class BlueprintForm(IdempotentFormMixin):
    blueprint = forms.ChoiceField(label=_("Template"), widget=forms.RadioSelect, choices=())
    title = forms.CharField(label=_("Title"), min_length=TITLE_MIN, max_length=TITLE_MAX)
    slug = forms.SlugField(label=_("Short name (in the address)"), max_length=120,
                           help_text=_("Lowercase letters, digits and dashes, e.g. "
                                       "hoering-lokalplan-9-9."))
    start = forms.DateField(label=_("First phase starts"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from faelles.participation.blueprints import BLUEPRINTS

        super().__init__(*args, **kwargs)
        self.fields["blueprint"].choices = [
            (b.key, f"{b.label}: {b.description}") for b in BLUEPRINTS.values()
        ]
