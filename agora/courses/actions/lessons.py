"""Lessons: writing, publishing, ordering, files and prompts."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.accounts.models import User
from agora.core.events import record
from agora.core.markdown import render_markdown
from agora.core.uploads import checked_file, delete_after_commit
from agora.core.videos import check_video_upload, discard_video, store_video
from agora.courses.actions._common import (
    ALREADY_PROMPTED,
    MOVES,
    NO_COHORTS,
    NOT_A_PROMPT,
    _cohort_snapshot,
    _course_snapshot,
    _lesson_snapshot,
    _markdown,
    _raise,
    _require_editor,
    _title,
    clean_external_url,
)
from agora.courses.models import (
    MAX_CONTENT,
    Cohort,
    Course,
    Lesson,
    LessonAttachment,
    LessonPrompt,
)
from agora.discussions import actions as discussion_actions
from agora.discussions.models import Thread

# --- lessons ---------------------------------------------------------------------------


def _clean_lesson(
    title: str | None, content: str | None, external_url: str | None
) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    title = _title(title, errors)
    content = _markdown(content, MAX_CONTENT, "content", errors)
    external_url = clean_external_url(external_url, errors)
    _raise(errors)
    return title, content, external_url


@transaction.atomic
def create_lesson(
    *,
    actor: User,
    course: Course,
    title: str,
    content: str = "",
    external_url: str = "",
    publish: bool = False,
) -> Lesson:
    """Add a lesson at the end of `course` (a draft unless `publish`); record ``lesson.created``."""
    _require_editor(actor, course)
    title, content, external_url = _clean_lesson(title, content, external_url)
    # Lock the course row so two lessons added at once get different positions.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    last = Lesson.objects.filter(course=course).aggregate(last=Max("position"))["last"]
    lesson = Lesson.objects.create(
        course=course,
        title=title,
        content=content,
        content_html=render_markdown(content),
        external_url=external_url,
        position=0 if last is None else last + 1,
        created_by=actor,
    )
    record(actor=actor, verb="lesson.created", obj=lesson, **_lesson_snapshot(lesson))
    if publish:
        publish_lesson(actor=actor, lesson=lesson)
    return lesson


@transaction.atomic
def update_lesson(
    *,
    actor: User,
    lesson: Lesson,
    title: str | None = None,
    content: str | None = None,
    external_url: str | None = None,
    video: UploadedFile | None = None,
    captions: UploadedFile | None = None,
    captions_language: str = "",
    remove_video: bool = False,
) -> Lesson:
    """Change a lesson's title, content, external link or video; record ``lesson.updated``.

    A new `video` replaces the current one (its captions stay unless new
    `captions` come); captions alone replace the current captions;
    `remove_video` drops it. Every file is checked before anything is saved,
    so a refused one changes nothing.
    """
    _require_editor(actor, lesson.course)
    title, content, external_url = _clean_lesson(
        lesson.title if title is None else title,
        lesson.content if content is None else content,
        lesson.external_url if external_url is None else external_url,
    )
    checked = check_video_upload(
        video=video, captions=captions, captions_language=captions_language
    )
    lesson.title, lesson.content, lesson.external_url = title, content, external_url
    lesson.content_html = render_markdown(content)
    lesson.updated_at = timezone.now()
    video_change = ""
    if remove_video and lesson.video is not None and checked.video is None:
        discard_video(lesson.video)
        lesson.video = None
        video_change = "removed"
    elif checked.video is not None or checked.captions is not None:
        lesson.video = store_video(checked=checked, uploader=actor, current=lesson.video)
        video_change = "attached"
    lesson.save()
    extra = {"video": video_change} if video_change else {}
    record(actor=actor, verb="lesson.updated", obj=lesson, **_lesson_snapshot(lesson), **extra)
    return lesson


@transaction.atomic
def publish_lesson(*, actor: User, lesson: Lesson, publish: bool = True) -> Lesson:
    """Show a lesson to learners (or take it back); record ``lesson.published`` per cohort."""
    _require_editor(actor, lesson.course)
    if lesson.is_published == publish:
        return lesson
    lesson.is_published = publish
    lesson.published_at = timezone.now() if publish else None
    lesson.save(update_fields=["is_published", "published_at"])
    verb = "lesson.published" if publish else "lesson.unpublished"
    cohorts = list(lesson.course.cohorts.select_related("space"))
    for cohort in cohorts:
        record(
            actor=actor,
            verb=verb,
            obj=lesson,
            space=cohort.space,
            **_lesson_snapshot(lesson),
            **_cohort_snapshot(cohort),
        )
    if not cohorts:
        record(actor=actor, verb=verb, obj=lesson, **_lesson_snapshot(lesson))
    return lesson


def _renumber(lessons: Sequence[Lesson]) -> None:
    for position, lesson in enumerate(lessons):
        lesson.position = position
    Lesson.objects.bulk_update(lessons, ["position"])


@transaction.atomic
def move_lesson(*, actor: User, lesson: Lesson, direction: str) -> Lesson:
    """Swap a lesson with its neighbour above or below; record ``lesson.moved``."""
    _require_editor(actor, lesson.course)
    if direction not in MOVES:
        raise ValidationError({"direction": [_("Move up or down.")]})
    lessons = list(
        Lesson.objects.select_for_update().filter(course=lesson.course).order_by("position", "pk")
    )
    index = next(i for i, item in enumerate(lessons) if item.pk == lesson.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(lessons):
        lessons[index], lessons[other] = lessons[other], lessons[index]
        _renumber(lessons)
        lesson.position = other
        record(
            actor=actor,
            verb="lesson.moved",
            obj=lesson,
            position=other,
            **_lesson_snapshot(lesson),
        )
    return lesson


@transaction.atomic
def reorder_lessons(*, actor: User, course: Course, lesson_ids: Sequence[int]) -> list[Lesson]:
    """Put the lessons of `course` in the order of `lesson_ids` (each exactly once)."""
    _require_editor(actor, course)
    lessons = {
        lesson.pk: lesson for lesson in Lesson.objects.select_for_update().filter(course=course)
    }
    if sorted(lesson_ids) != sorted(lessons) or len(set(lesson_ids)) != len(lesson_ids):
        raise ValidationError({"lesson_ids": [_("List every lesson of this course exactly once.")]})
    ordered = [lessons[pk] for pk in lesson_ids]
    _renumber(ordered)
    record(
        actor=actor,
        verb="lessons.reordered",
        obj=course,
        lesson_ids=list(lesson_ids),
        **_course_snapshot(course),
    )
    return ordered


@transaction.atomic
def add_attachment(*, actor: User, lesson: Lesson, upload: UploadedFile) -> LessonAttachment:
    """Attach a file, checked by its content and size; record ``lesson.file_added``."""
    _require_editor(actor, lesson.course)
    limit = getattr(settings, "AGORA_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
    try:
        checked = checked_file(upload, max_bytes=limit)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    attachment = LessonAttachment(
        lesson=lesson,
        uploader=actor,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
    )
    attachment.file.save(checked.content.name, checked.content, save=False)
    attachment.save()
    record(
        actor=actor,
        verb="lesson.file_added",
        obj=attachment,
        file_name=attachment.name,
        **_lesson_snapshot(lesson),
    )
    return attachment


@transaction.atomic
def remove_attachment(*, actor: User, attachment: LessonAttachment) -> None:
    """Delete an attachment and its stored file (once the transaction commits)."""
    lesson = attachment.lesson
    _require_editor(actor, lesson.course)
    attachment.delete()
    delete_after_commit(attachment.file)
    record(
        actor=actor,
        verb="lesson.file_removed",
        obj=lesson,
        file_name=attachment.name,
        **_lesson_snapshot(lesson),
    )


# --- prompts ---------------------------------------------------------------------------


@transaction.atomic
def add_prompt(
    *, actor: User, lesson: Lesson, title: str, body: str = "", post_first: bool = False
) -> list[LessonPrompt]:
    """Open the lesson's prompt: one prompt thread in each cohort that has none yet.

    Cohorts discuss separately. The threads are started by the discussion
    actions (``thread.started``, kind prompt), so `actor` must be able to
    start a prompt in each cohort space.
    """
    _require_editor(actor, lesson.course)
    cohorts = list(lesson.course.cohorts.select_related("space").order_by("pk"))
    if not cohorts:
        raise ValidationError(NO_COHORTS, code="no_cohorts")
    done = set(LessonPrompt.objects.filter(lesson=lesson).values_list("cohort_id", flat=True))
    waiting = [cohort for cohort in cohorts if cohort.pk not in done]
    if not waiting:
        raise ValidationError(ALREADY_PROMPTED, code="already_prompted")
    prompts = []
    for cohort in waiting:
        thread = discussion_actions.start_thread(
            author=actor,
            space=cohort.space,
            kind=Thread.Kind.PROMPT,
            title=title,
            body=body,
            post_first=post_first,
        )
        prompts.append(LessonPrompt.objects.create(lesson=lesson, cohort=cohort, thread=thread))
    return prompts


@transaction.atomic
def attach_prompt(*, actor: User, lesson: Lesson, thread: Thread) -> LessonPrompt:
    """Make an existing prompt thread of a cohort space the lesson's prompt there."""
    _require_editor(actor, lesson.course)
    cohort = Cohort.objects.filter(course=lesson.course, space_id=thread.space_id).first()
    if cohort is None or thread.kind != Thread.Kind.PROMPT or thread.is_deleted:
        raise ValidationError({"thread": [NOT_A_PROMPT]})
    try:
        with transaction.atomic():
            return LessonPrompt.objects.create(lesson=lesson, cohort=cohort, thread=thread)
    except IntegrityError as error:
        raise ValidationError({"thread": [ALREADY_PROMPTED]}) from error
