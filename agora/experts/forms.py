from django import forms
from django.utils.translation import gettext_lazy as _

from agora.experts.models import MAX_NOTE


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
