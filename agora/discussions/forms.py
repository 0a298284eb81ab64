"""Forms of the discussion pages: they parse; the actions decide."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from agora.accounts.forms import SkillsField
from agora.accounts.models import Skill
from agora.core.forms import VideoFieldsForm
from agora.discussions.actions import MAX_THREAD_SKILLS
from agora.discussions.models import MAX_BODY, MAX_TITLE, Flag, Reply, Thread
from agora.discussions.queries import REPLY_ORDERS

STANCE_CHOICES = Reply.Stance.choices
# Text boxes where typing @name offers people to mention (agora/core/static/agora/mention.js).
MENTION_ATTRS = {"data-mention-url": reverse_lazy("mention_search")}
SHOW_AND_TELL_VIDEO_HELP = _("Show and tell only: a short MP4 or WebM video.")
FILES_HELP = _("Up to 5 files: PDF, images, text, CSV, Markdown, Office or OpenDocument.")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        items = data if isinstance(data, list | tuple) else [data]
        return [
            item
            for item in (super(MultipleFileField, self).clean(d, initial) for d in items)
            if item
        ]


def files_field() -> MultipleFileField:
    return MultipleFileField(label=_("Attach files"), help_text=FILES_HELP)


def with_file_changes(form: forms.Form, attachments) -> None:
    """Give an edit form a file input and, when the post has files, a box per
    file to remove it (the fields `attach_files` takes as `files` and `remove`)."""
    form.fields["files"] = files_field()
    if attachments:
        form.fields["remove_files"] = forms.TypedMultipleChoiceField(
            label=_("Remove files"),
            required=False,
            coerce=int,
            choices=[(attachment.pk, attachment.name) for attachment in attachments],
            widget=forms.CheckboxSelectMultiple,
        )


class ThreadForm(VideoFieldsForm):
    field_order = ("kind", "title", "body", "post_first", "skills", "files")

    kind = forms.ChoiceField(label=_("Kind"), choices=Thread.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 10, **MENTION_ATTRS}),
        help_text=_("Markdown: **bold**, *italic*, [links](https://example.org), lists."),
    )
    post_first = forms.BooleanField(
        label=_("Post before you see others"),
        required=False,
        help_text=_("Lesson prompts only: learners see classmates' replies after posting theirs."),
    )
    skills = SkillsField(
        limit=MAX_THREAD_SKILLS, help_text=_("Up to 5 skills this thread is about.")
    )
    files = files_field()

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        if not any(value == Thread.Kind.PROMPT for value, _label in kinds):
            del self.fields["post_first"]
        if any(value == Thread.Kind.SHOW_AND_TELL for value, _label in kinds):
            self.fields["video"].help_text = SHOW_AND_TELL_VIDEO_HELP
        else:
            for name in ("video", "captions", "captions_language"):
                del self.fields[name]


class ThreadEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 10, **MENTION_ATTRS}),
        help_text=_("Markdown."),
    )
    skills = SkillsField(
        limit=MAX_THREAD_SKILLS, help_text=_("Up to 5 skills this thread is about.")
    )

    def __init__(self, *args, attachments=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        with_file_changes(self, attachments)


class ThreadVideoForm(VideoFieldsForm):
    """Add, replace or remove the video of a show-and-tell post."""

    remove = forms.BooleanField(label=_("Remove the video"), required=False)


class ReplyForm(forms.Form):
    """A response or a comment; the stance field only where one may be taken."""

    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5, **MENTION_ATTRS}),
    )
    stance = forms.ChoiceField(label=_("Your stance"), choices=STANCE_CHOICES, required=False)
    files = files_field()

    def __init__(self, *args, with_stance: bool, with_files: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not with_stance:
            del self.fields["stance"]
        if not with_files:
            del self.fields["files"]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the moderators (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PreviewForm(forms.Form):
    body = forms.CharField(label=_("Text"), required=False, max_length=MAX_BODY)


class ThreadFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *Thread.Kind.choices]
    )
    skill = forms.ModelChoiceField(
        label=_("Skill"),
        required=False,
        queryset=Skill.objects.none(),
        to_field_name="slug",
        empty_label=_("Every skill"),
    )
    unanswered = forms.BooleanField(label=_("Unanswered questions only"), required=False)

    def __init__(self, *args, space, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The skills some thread of this space is tagged with.
        self.fields["skill"].queryset = (
            Skill.objects.filter(threads__space=space).distinct().only("name", "slug")
        )


class ReplyFilterForm(forms.Form):
    stance = forms.ChoiceField(
        label=_("Stance"),
        required=False,
        choices=[("", _("Every stance")), *Reply.Stance.choices[1:]],
    )
    order = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("helpful", _("Most helpful")),
        ],
    )

    def clean_order(self) -> str:
        order = self.cleaned_data.get("order") or "oldest"
        return order if order in REPLY_ORDERS else "oldest"
