"""The search form of the pages: words, and filters by space, kind, author and date."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from agora.search.models import SearchDocument
from agora.search.queries import MAX_QUERY_CHARS, SearchFilters
from agora.spaces.models import Space

DATES_REVERSED = _("The “from” date must not be after the “to” date.")
MAX_SPACE_CHOICES = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        max_length=MAX_QUERY_CHARS,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    space = forms.ModelChoiceField(
        label=_("Space"),
        queryset=Space.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=_("All spaces"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Everything")), *SearchDocument.Kind.choices],
    )
    author = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, spaces=None, **kwargs) -> None:
        """`spaces`: those offered in the space filter (None: no space filter)."""
        super().__init__(*args, **kwargs)
        if spaces is None:
            del self.fields["space"]
        else:
            self.fields["space"].queryset = spaces.order_by("name")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", DATES_REVERSED)
        return data

    def filters(self, *, space: Space | None = None) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            space=space or data.get("space"),
            kind=data.get("kind") or "",
            author_id=data.get("author"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
