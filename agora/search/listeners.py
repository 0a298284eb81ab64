"""Keep search documents in step with the event log.

Every event that changes what a thread, reply, lesson or space says, or who
may find it (hidden, restored, deleted, published), re-reads its target and
rewrites its documents. Re-reading makes each listener safe to run twice and
in any order: the document always ends as the target is now. Who may see a
space's documents (membership, visibility) is decided when searching, so
membership events need no listener here.
"""

from __future__ import annotations

from agora.core.events import listener
from agora.core.models import Event
from agora.courses.models import Cohort
from agora.search import documents

INDEXERS = {
    "thread": documents.index_thread,
    "reply": documents.index_reply,
    "lesson": documents.index_lesson,
    "space": documents.index_space,
}


@listener(
    "thread.started",
    "thread.edited",
    "thread.moderated",
    "thread.deleted",
    "reply.posted",
    "reply.edited",
    "reply.deleted",
    "post.hidden",
    "post.restored",
    "space.created",
    "space.updated",
    "space.archived",
    "space.restored",
    "lesson.created",
    "lesson.updated",
    "lesson.published",
    "lesson.unpublished",
    "lesson.moved",
)
def refresh_documents(event: Event) -> None:
    """Rewrite the documents of the event's target as it is now."""
    if event.target_type is None or event.target_id is None:
        return
    indexer = INDEXERS.get(event.target_type.model)
    if indexer is not None:
        indexer(event.target_id)


@listener("cohort.added")
def index_cohort_lessons(event: Event) -> None:
    """A new cohort space lists the course's lessons."""
    course_id = (
        Cohort.objects.filter(pk=event.target_id).values_list("course_id", flat=True).first()
    )
    if course_id is not None:
        documents.index_course_lessons(course_id)
