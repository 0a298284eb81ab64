from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agora.accounts.forms import SkillsField
from agora.spaces.actions import MAX_SPACE_SKILLS
from agora.spaces.models import Membership, Space
from agora.spaces.permissions import allowed_kinds
from agora.spaces.queries import SCOPES, parent_choices


class SpaceForm(forms.ModelForm):
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        required=False,
        help_text=_("Part of the space's link. Leave empty to make one from the name."),
    )
    skills = SkillsField(
        limit=MAX_SPACE_SKILLS,
        help_text=_(
            "Up to 8 skills this space is about. Its facilitators show up as people who know them."
        ),
    )

    class Meta:
        model = Space
        fields = ["name", "slug", "kind", "visibility", "parent", "description"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = allowed_kinds(user) or [
            (self.instance.kind, self.instance.get_kind_display())
        ]
        if self.instance.pk and self.instance.kind not in dict(self.fields["kind"].choices):
            self.fields["kind"].choices.append(
                (self.instance.kind, self.instance.get_kind_display())
            )
        self.fields["parent"].queryset = parent_choices(
            viewer=user, exclude=self.instance if self.instance.pk else None
        )
        self.fields["parent"].required = False
        self.fields["parent"].empty_label = _("None")
        if self.instance.pk and "skills" not in self.initial:
            self.initial["skills"] = [skill.pk for skill in self.instance.skills.all()]

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug", "")
        if not slug and self.instance.pk:
            # Empty keeps the address a space already has (creation makes one).
            return self.instance.slug
        if slug and Space.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another space has this address."))
        return slug


class SpaceStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Space.Status.choices)


class SpaceFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("all", _("All spaces")), ("mine", _("My spaces"))],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *Space.Kind.choices]
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def clean_scope(self) -> str:
        scope = self.cleaned_data.get("scope") or "all"
        return scope if scope in SCOPES else "all"


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("A colleague's address; they get an email with a link."),
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Why would you like to join? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
