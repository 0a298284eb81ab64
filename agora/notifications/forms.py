"""The notification settings form: one channel per kind."""

from __future__ import annotations

from django import forms

from agora.notifications.models import Channel, Kind


class PreferencesForm(forms.Form):
    def __init__(self, *args, channels: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Channel.choices, initial=channels[kind]
            )
