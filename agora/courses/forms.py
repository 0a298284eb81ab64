"""Forms of the course pages: they parse; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agora.core.forms import VideoFieldsForm
from agora.courses.models import (
    MAX_CHOICE,
    MAX_CONTENT,
    MAX_QUESTION,
    MAX_SUMMARY,
    MAX_TITLE,
    MAX_URL,
    KnowledgeCheck,
    Question,
)
from agora.discussions.models import MAX_BODY
from agora.discussions.models import MAX_TITLE as MAX_THREAD_TITLE
from agora.spaces.models import Space

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, [links](https://example.org), lists, tables.")
CHOICE_SLOTS = 5


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    slug = forms.CharField(
        label=_("Address"),
        max_length=80,
        required=False,
        help_text=_("Lower-case words joined by hyphens; left empty, it is made from the title."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=MARKDOWN_HELP,
    )


class CohortForm(forms.Form):
    name = forms.CharField(
        label=_("Cohort name"), max_length=120, help_text=_("For example “Spring 2026”.")
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Space.Visibility.choices, initial=Space.Visibility.PRIVATE
    )


class LessonForm(VideoFieldsForm):
    """A lesson; its edit page also takes a video with captions (`with_video`)."""

    field_order = ("title", "content", "external_url")

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    content = forms.CharField(
        label=_("Content"),
        required=False,
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=MARKDOWN_HELP,
    )
    external_url = forms.CharField(
        label=_("Link to the lesson in another learning system"),
        required=False,
        max_length=MAX_URL,
        widget=forms.URLInput,
        help_text=_("Optional; starts with https:// or http://."),
    )
    remove_video = forms.BooleanField(label=_("Remove the video"), required=False)

    def __init__(
        self, *args: Any, with_video: bool = False, has_video: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not with_video:
            for name in ("video", "captions", "captions_language", "remove_video"):
                del self.fields[name]
        elif has_video:
            self.fields["video"].label = _("Replace the video")
            self.fields["captions"].label = _("Replace the captions (WebVTT)")
        else:
            del self.fields["remove_video"]


class AttachmentForm(forms.Form):
    """Its ids start with "file_": it shares a page with other forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "file_%s")
        super().__init__(*args, **kwargs)

    file = forms.FileField(
        label=_("Attach a file"),
        help_text=_("PDF, image, text, CSV, Markdown, Office or OpenDocument file."),
    )


class PromptForm(forms.Form):
    """Its ids start with "prompt_": it shares a page with other forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "prompt_%s")
        super().__init__(*args, **kwargs)

    title = forms.CharField(label=_("Prompt question"), max_length=MAX_THREAD_TITLE)
    body = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP,
    )
    post_first = forms.BooleanField(
        label=_("Post before you see others"),
        required=False,
        help_text=_("Learners see classmates' replies after posting their own."),
    )


class CheckForm(forms.Form):
    """Its ids start with "check_": it shares a page with other forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "check_%s")
        super().__init__(*args, **kwargs)

    passing_score = forms.IntegerField(
        label=_("Passing score (%)"), min_value=0, max_value=100, initial=70
    )


class QuestionForm(forms.Form):
    """A question with up to CHOICE_SLOTS choices; empty slots are ignored."""

    text = forms.CharField(label=_("Question"), max_length=MAX_QUESTION)

    def __init__(self, *args: Any, question: Question | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "question_%s")
        if question is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {"text": question.text}
            for number, choice in enumerate(question.choices.all(), start=1):
                initial[f"choice_{number}"] = choice.text
                initial[f"correct_{number}"] = choice.is_correct
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for number in range(1, CHOICE_SLOTS + 1):
            self.fields[f"choice_{number}"] = forms.CharField(
                label=_("Choice %(n)d") % {"n": number}, max_length=MAX_CHOICE, required=False
            )
            self.fields[f"correct_{number}"] = forms.BooleanField(
                label=_("Choice %(n)d is correct") % {"n": number}, required=False
            )

    def choices(self) -> list[tuple[str, bool]]:
        data = self.cleaned_data
        return [
            (data.get(f"choice_{number}", ""), data.get(f"correct_{number}", False))
            for number in range(1, CHOICE_SLOTS + 1)
        ]


class AttemptForm(forms.Form):
    """One field per question (checkboxes: one or more choices may be right)."""

    def __init__(self, *args: Any, check: KnowledgeCheck, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, question in enumerate(check.questions.all(), start=1):
            self.fields[f"q{question.pk}"] = forms.TypedMultipleChoiceField(
                label=f"{number}. {question.text}",
                choices=[(choice.pk, choice.text) for choice in question.choice_list],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def answers(self) -> dict[int, list[int]]:
        return {
            int(name[1:]): list(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("q")
        }
