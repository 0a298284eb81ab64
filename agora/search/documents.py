"""Copy threads, replies, lessons and spaces into search documents.

Each `index_*` function reads the thing as it is now and makes its documents
match: written when it is searchable, removed when it is gone or deleted
(tombstones keep no text). Running one twice changes nothing more, so the
listeners that call them are safe to run twice, in any order.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from agora.courses.models import Cohort, Lesson
from agora.discussions.models import Reply, Thread
from agora.search.backends.base import MARK_END, MARK_START
from agora.search.models import SearchDocument
from agora.spaces.models import Space

Kind = SearchDocument.Kind
# Control characters, the highlight marks, and the stand-ins the PostgreSQL
# backend uses for angle brackets never reach the index.
_CONTROL = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{MARK_START}{MARK_END}\ue002\ue003]")
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    """`text` without control characters (nor highlight marks), spaces collapsed."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text or "")).strip()


def plain_text(sanitized_html: str) -> str:
    """The text of sanitized HTML: no tags, entities decoded, clean."""
    return clean_text(html.unescape(strip_tags(sanitized_html or "")))


FIELDS = (
    "author_id",
    "thread_id",
    "course_id",
    "title",
    "body",
    "is_hidden",
    "is_draft",
    "created_at",
)


def _save(document: SearchDocument) -> None:
    """Write `document` over the one of the same kind, object and space, if any."""
    SearchDocument.objects.update_or_create(
        kind=document.kind,
        object_id=document.object_id,
        space_id=document.space_id,
        defaults={
            **{name: getattr(document, name) for name in FIELDS},
            "indexed_at": timezone.now(),
        },
    )


def _remove(kind: str, object_id: int, *, keep_spaces: Iterable[int] = ()) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).exclude(
        space_id__in=list(keep_spaces)
    ).delete()


@transaction.atomic
def index_thread(thread_id: int) -> None:
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None or thread.is_deleted:
        _remove(Kind.THREAD, thread_id)
        return
    _remove(Kind.THREAD, thread.pk, keep_spaces=[thread.space_id])
    _save(_thread_document(thread))


@transaction.atomic
def index_reply(reply_id: int) -> None:
    reply = Reply.objects.select_related("thread").filter(pk=reply_id).first()
    if reply is None or reply.is_deleted:
        _remove(Kind.REPLY, reply_id)
        return
    _remove(Kind.REPLY, reply.pk, keep_spaces=[reply.thread.space_id])
    # Replies are found by their own words; the thread's title names them.
    _save(_reply_document(reply))


@transaction.atomic
def index_lesson(lesson_id: int) -> None:
    """One document per cohort space of the lesson's course."""
    lesson = Lesson.objects.filter(pk=lesson_id).first()
    if lesson is None:
        _remove(Kind.LESSON, lesson_id)
        return
    spaces = list(
        Cohort.objects.filter(course_id=lesson.course_id).values_list("space_id", flat=True)
    )
    _remove(Kind.LESSON, lesson.pk, keep_spaces=spaces)
    for document in _lesson_documents(lesson, spaces):
        _save(document)


def index_course_lessons(course_id: int) -> None:
    for lesson_id in list(Lesson.objects.filter(course_id=course_id).values_list("pk", flat=True)):
        index_lesson(lesson_id)


@transaction.atomic
def index_space(space_id: int) -> None:
    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        _remove(Kind.SPACE, space_id)
        return
    _save(_space_document(space))


BATCH = 2000


def _thread_document(thread: Thread) -> SearchDocument:
    return SearchDocument(
        kind=Kind.THREAD,
        object_id=thread.pk,
        space_id=thread.space_id,
        author_id=thread.author_id,
        thread_id=thread.pk,
        title=clean_text(thread.title),
        body=plain_text(thread.body_html),
        is_hidden=thread.is_hidden,
        created_at=thread.created_at,
    )


def _reply_document(reply: Reply) -> SearchDocument:
    return SearchDocument(
        kind=Kind.REPLY,
        object_id=reply.pk,
        space_id=reply.thread.space_id,
        author_id=reply.author_id,
        thread_id=reply.thread_id,
        body=plain_text(reply.body_html),
        is_hidden=reply.is_hidden,
        created_at=reply.created_at,
    )


def _space_document(space: Space) -> SearchDocument:
    return SearchDocument(
        kind=Kind.SPACE,
        object_id=space.pk,
        space_id=space.pk,
        title=clean_text(space.name),
        body=plain_text(space.description_html),
        created_at=space.created_at,
    )


def _lesson_documents(lesson: Lesson, space_ids: list[int]) -> list[SearchDocument]:
    return [
        SearchDocument(
            kind=Kind.LESSON,
            object_id=lesson.pk,
            space_id=space_id,
            author_id=lesson.created_by_id,
            course_id=lesson.course_id,
            title=clean_text(lesson.title),
            body=plain_text(lesson.content_html),
            is_draft=not lesson.is_published,
            created_at=lesson.published_at or lesson.created_at,
        )
        for space_id in space_ids
    ]


def _in_batches(queryset, build) -> None:
    """Write the documents of `queryset`'s rows, BATCH rows at a time, by ascending id."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not rows:
            return
        SearchDocument.objects.bulk_create([build(row) for row in rows], batch_size=500)
        last = rows[-1].pk


@transaction.atomic
def rebuild() -> int:
    """Index everything again (after a restore, or on first setup); return the count.

    Each kind is written oldest first. (The backends rank the newest matches
    by document id; after a rebuild the replies' ids follow the threads',
    which matters only for a word so common that it passes the cap.)
    """
    SearchDocument.objects.all().delete()
    _in_batches(Space.objects.only("pk", "name", "description_html", "created_at"), _space_document)
    cohorts: dict[int, list[int]] = {}
    for course_id, space_id in Cohort.objects.values_list("course_id", "space_id"):
        cohorts.setdefault(course_id, []).append(space_id)
    lessons = [
        document
        for lesson in Lesson.objects.filter(course_id__in=cohorts).order_by("pk")
        for document in _lesson_documents(lesson, cohorts[lesson.course_id])
    ]
    SearchDocument.objects.bulk_create(lessons, batch_size=500)
    _in_batches(Thread.objects.filter(is_deleted=False), _thread_document)
    _in_batches(
        Reply.objects.filter(is_deleted=False)
        .select_related("thread")
        .only(
            "pk",
            "author_id",
            "thread_id",
            "thread__space_id",
            "body_html",
            "is_hidden",
            "created_at",
        ),
        _reply_document,
    )
    return SearchDocument.objects.count()
