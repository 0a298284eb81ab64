"""Forms of the experts app: asking an expert, closing a request, endorsing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agora.accounts.models import Skill
from agora.discussions.models import MAX_BODY, MAX_TITLE
from agora.experts.models import MAX_NOTE


class AskForm(forms.Form):
    title = forms.CharField(label=_("Your question, in a line"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("Details"),
        max_length=MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown. What you tried, what you expect, links."),
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"),
        queryset=Skill.objects.none(),
        required=False,
        empty_label=_("(none)"),
        help_text=_("Tag the question with one of this person's skills."),
    )

    def __init__(self, *args, skills=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if skills is not None:
            self.fields["skill"].queryset = skills


class AnsweredForm(forms.Form):
    helpful = forms.ChoiceField(
        label=_("Was it helpful?"),
        required=False,
        choices=[("", _("Not rated")), ("yes", _("Yes")), ("no", _("No"))],
    )

    def helpful_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("helpful") or "")


class EndorseForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.TextInput(attrs={"placeholder": _("What have they helped you with?")}),
    )


class EndorsementVisibilityForm(forms.Form):
    hidden = forms.TypedChoiceField(
        choices=[("1", _("Hide")), ("0", _("Show"))], coerce=lambda value: value == "1"
    )
