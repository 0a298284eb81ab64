"""What every form of Agora shares: the widget renderer, and form parts used by several apps."""

from __future__ import annotations

from functools import cached_property

from django import forms
from django.forms.renderers import DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist
from django.utils.translation import gettext_lazy as _


class FormRenderer(Jinja2):
    """Widgets rendered by Jinja2 from Django's own Jinja2 widget templates:
    the same markup as the Django engine gives, in a fraction of its time
    per field (a thread page's two forms cost 2.5 ms through the Django
    engine, 1.9 ms with this). A widget that ships only a Django template
    (the admin's read-only password hash) renders through the Django engine."""

    @cached_property
    def fallback(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)


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
