"""What every form of Agora shares."""

from __future__ import annotations

from functools import cached_property

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template.exceptions import TemplateDoesNotExist


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
