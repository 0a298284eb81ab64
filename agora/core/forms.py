"""Form parts shared by several apps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VideoFieldsForm(forms.Form):
    """A video with WebVTT captions and their language (show-and-tell posts, lessons).

    The form only parses; core.videos checks the files by their content.
    """

    video = forms.FileField(
        label=_("Video"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "video/mp4,video/webm,.mp4,.m4v,.webm"}),
        help_text=_("A short MP4 or WebM video."),
    )
    captions = forms.FileField(
        label=_("Captions (WebVTT)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "text/vtt,.vtt"}),
        help_text=_("A .vtt file shown in the player, for people who cannot listen."),
    )
    captions_language = forms.CharField(
        label=_("Captions' language"),
        required=False,
        max_length=16,
        initial="en",
        help_text=_("A language code such as en, fr or pt-BR."),
    )
