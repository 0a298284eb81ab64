"""The expert finder's form: words, and filters by department, location,
time zone, skill level and openness to questions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agora.accounts.models import SkillClaim
from agora.accounts.queries import Facets
from agora.experts.search_queries import MAX_QUERY_CHARS, PeopleFilters


class ExpertSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Who knows about"),
        required=False,
        max_length=MAX_QUERY_CHARS,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": _("kubernetes, k8s…")}
        ),
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    location = forms.ChoiceField(label=_("Location"), required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), required=False)
    level = forms.ChoiceField(
        label=_("Level on the skill searched"),
        required=False,
        choices=[("", _("Any level")), *SkillClaim.Level.choices],
    )
    open_to_questions = forms.BooleanField(label=_("Open to questions"), required=False)

    def __init__(self, *args, facets: Facets, **kwargs) -> None:
        """`facets`: the departments, locations and time zones people the viewer sees have."""
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d, d) for d in facets.departments
        ]
        self.fields["location"].choices = [("", _("All locations"))] + [
            (x, x) for x in facets.locations
        ]
        self.fields["time_zone"].choices = [("", _("Any time zone"))] + [
            (zone, zone.replace("_", " ")) for zone in facets.time_zones
        ]

    def filters(self) -> PeopleFilters:
        data = self.cleaned_data
        return PeopleFilters(
            department=data.get("department") or "",
            location=data.get("location") or "",
            time_zone=data.get("time_zone") or "",
            level=data.get("level") or "",
            open_to_questions=bool(data.get("open_to_questions")),
        )
