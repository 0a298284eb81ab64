from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from agora.accounts.actions import TOO_MANY_SKILLS
from agora.accounts.models import (
    TIME_ZONE_CHOICES,
    OrgSettings,
    Profile,
    Skill,
    SkillAlias,
    SkillClaim,
    User,
)


class SignupForm(forms.Form):
    """Extra sign-up fields, merged into allauth's form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user: User) -> None:
        user.name = " ".join(self.cleaned_data["name"].split())
        user.save(update_fields=["name"])


class AccountForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("As my browser asks")), *settings.LANGUAGES],
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    class Meta:
        model = User
        fields = ["name", "handle", "time_zone", "language"]

    def clean_handle(self) -> str:
        return self.cleaned_data["handle"].strip().removeprefix("@").lower()


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = [
            "title",
            "department",
            "location",
            "bio",
            "interests",
            "open_to_questions",
            "availability",
            "availability_note",
            "request_limit",
            "phone",
            "phone_visibility",
            "chat_handle",
            "chat_visibility",
            "email_visibility",
            "linkedin_url",
            "x_url",
            "github_url",
            "website_url",
            "links_visibility",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("New photo"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, up to 5 MB. It is cropped to a square."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove = forms.BooleanField(label=_("Remove my photo"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("photo") and not data.get("remove"):
            raise forms.ValidationError(_("Choose a photo to upload, or tick “Remove my photo”."))
        return data


class SkillClaimForm(forms.Form):
    skill = forms.CharField(
        label=_("Skill"), max_length=80, widget=forms.TextInput(attrs={"list": "skill-vocabulary"})
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=SkillClaim.Level.choices, initial=SkillClaim.Level.PRACTITIONER
    )
    years = forms.IntegerField(label=_("Years"), min_value=0, max_value=70, required=False)


class BaseSkillFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            name = form.cleaned_data["skill"].strip().lower()
            if name in seen:
                raise forms.ValidationError(_("Each skill may be listed once."))
            seen.add(name)

    def claims(self) -> list[dict]:
        return [
            {
                "skill": f.cleaned_data["skill"],
                "level": f.cleaned_data["level"],
                "years": f.cleaned_data.get("years"),
            }
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


SkillFormSet = forms.formset_factory(
    SkillClaimForm,
    formset=BaseSkillFormSet,
    extra=2,
    can_delete=True,
    max_num=50,
    validate_max=True,
)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What will use it, e.g. “Reporting script”."),
    )


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    department = forms.ChoiceField(label=_("Department"), required=False)
    location = forms.ChoiceField(label=_("Location"), required=False)

    def __init__(self, *args, departments: list[str], locations: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d, d) for d in departments
        ]
        self.fields["location"].choices = [("", _("All locations"))] + [(x, x) for x in locations]


class OrgSettingsForm(forms.ModelForm):
    class Meta:
        model = OrgSettings
        fields = ["signup_mode"]
        widgets = {"signup_mode": forms.RadioSelect}


VOCABULARY_SUGGESTIONS = 2000


def skill_vocabulary() -> list[tuple[str, str]]:
    """The vocabulary's names by name, each with its aliases ("k8s, kube"):
    the skill fields' suggestions, so that typing an alias finds the skill."""
    aliases: dict[int, list[str]] = {}
    for skill_id, alias in SkillAlias.objects.order_by("name").values_list("skill_id", "name"):
        aliases.setdefault(skill_id, []).append(alias)
    names = Skill.objects.order_by("name").values_list("pk", "name")[:VOCABULARY_SUGGESTIONS]
    return [(name, ", ".join(aliases.get(pk, []))) for pk, name in names]


class SkillsField(forms.ModelMultipleChoiceField):
    """Up to `limit` skills of the shared vocabulary, in a `<select multiple>`
    (the tags of a thread or a space)."""

    def __init__(self, *, limit: int, **kwargs) -> None:
        self.limit = limit
        kwargs.setdefault("queryset", Skill.objects.order_by("name"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Skills"))
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 6}))
        super().__init__(**kwargs)

    def clean(self, value):
        if value and len(set(value)) > self.limit:
            raise ValidationError(TOO_MANY_SKILLS % {"n": self.limit}, code="max")
        return super().clean(value)
