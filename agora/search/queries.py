"""Search what a viewer may see: one query for the ranked candidates, then one page.

`search()` returns a lazy `SearchResults`: its length runs the candidate
query (capped at `AGORA_SEARCH_MAX_CANDIDATES`, the newest matches), and a
slice of it fetches that page's documents and highlighted snippets. So a
page costs a fixed number of queries whatever the size of the index, and
Django's Paginator and the API's pages both work on it.

Who may see what is decided inside the candidate query, from the feature
apps' row filters (the same rules as their predicates):
- threads, replies, lessons: spaces whose content the viewer may read
  (`spaces_with_content_visible_to`); spaces: those they may see;
- hidden posts: their authors and the space's managers (`sees_hidden`);
- draft lessons: who may see the course's drafts (`can_see_drafts`);
- replies of a post-first prompt: once the viewer has posted (`can_see_replies`).
Deleted posts have no document at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, overload

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from agora.courses.permissions import courses_with_drafts_visible_to
from agora.discussions.models import Thread
from agora.discussions.permissions import threads_concealing_replies_from
from agora.search.backends import backend
from agora.search.backends.base import MARK_END, MARK_START, Snippet, Words, words
from agora.search.models import SearchDocument
from agora.spaces.models import Space
from agora.spaces.permissions import (
    spaces_managed_by,
    spaces_visible_to,
    spaces_with_content_visible_to,
)

if TYPE_CHECKING:
    from agora.accounts.models import User

Kind = SearchDocument.Kind
MAX_QUERY_CHARS = 200
HIDDEN_THREAD = _("a thread hidden by a moderator")


def max_candidates() -> int:
    return settings.AGORA_SEARCH_MAX_CANDIDATES


@dataclass(frozen=True)
class SearchFilters:
    space: Space | None = None
    kind: str = ""
    author_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass
class Hit:
    """One result: the document, its highlighted title and fragment, its address."""

    document: SearchDocument
    title_html: SafeString
    snippet_html: SafeString
    url: str
    context: str = ""  # for a reply: the title of its thread

    @property
    def kind(self) -> str:
        return self.document.kind

    @property
    def kind_label(self) -> str:
        return Kind(self.document.kind).label


def highlighted(text: str) -> SafeString:
    """Escape `text`, then turn the backend's highlight marks into <mark> elements."""
    escaped = str(escape(text))
    # Escaped above: the only markup is the <mark> added here.
    return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _subquery(queryset: QuerySet) -> tuple[str, list]:
    """SQL and parameters of `queryset`'s primary keys, to embed in the candidate query."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return "SELECT NULL WHERE 1 = 0", []
    return sql, list(params)


def _aware(day: date, *, end: bool = False) -> datetime:
    moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    return connection.ops.adapt_datetimefield_value(
        timezone.make_aware(moment, timezone.get_current_timezone())
    )


def _compile_visibility(viewer: User) -> tuple[str, tuple]:
    content_sql, content_params = _subquery(spaces_with_content_visible_to(viewer))
    seen_sql, seen_params = _subquery(spaces_visible_to(viewer))
    managed_sql, managed_params = _subquery(spaces_managed_by(viewer))
    drafts_sql, drafts_params = _subquery(courses_with_drafts_visible_to(viewer))
    concealing_sql, concealing_params = _subquery(threads_concealing_replies_from(viewer))
    sql = " AND ".join(
        [
            f"((d.kind <> %s AND d.space_id IN ({content_sql}))"
            f" OR (d.kind = %s AND d.space_id IN ({seen_sql})))",
            f"(d.is_hidden = %s OR d.author_id = %s OR d.space_id IN ({managed_sql}))",
            f"(d.is_draft = %s OR d.course_id IN ({drafts_sql}))",
            f"(d.kind <> %s OR d.thread_id NOT IN ({concealing_sql}))",
        ]
    )
    params: list = [Kind.SPACE, *content_params, Kind.SPACE, *seen_params]
    params += [False, viewer.pk or 0, *managed_params]
    params += [False, *drafts_params]
    params += [Kind.REPLY, *concealing_params]
    return sql, tuple(params)


@lru_cache(maxsize=2048)
def _visibility(key: tuple[str, int, str, bool]) -> tuple[str, tuple]:
    """The compiled visibility SQL of one person, by what its shape depends on.

    The row filters read memberships, roles and posts when the query runs, not
    when it is compiled: the SQL of a person changes only with their org role
    and whether they are active (the key), so compiling it once per process
    saves a few milliseconds of every search. (The database's vendor is in
    the key too: the SQL is written for it.)
    """
    from agora.accounts.models import User

    _vendor, pk, org_role, is_active = key
    return _compile_visibility(User(pk=pk, org_role=org_role, is_active=is_active))


def visibility_sql(viewer: User, filters: SearchFilters) -> tuple[str, list]:
    """The WHERE conditions (over documents aliased ``d``) of what `viewer` may find."""
    key = (connection.vendor, viewer.pk, viewer.org_role, viewer.is_active)
    sql, params = _visibility(key) if viewer.pk else _compile_visibility(viewer)
    parts, params = [sql], list(params)
    if filters.space is not None:
        parts.append("d.space_id = %s")
        params.append(filters.space.pk)
    if filters.kind:
        parts.append("d.kind = %s")
        params.append(filters.kind)
    if filters.author_id is not None:
        parts.append("d.author_id = %s")
        params.append(filters.author_id)
    if filters.date_from is not None:
        parts.append("d.created_at >= %s")
        params.append(_aware(filters.date_from))
    if filters.date_to is not None:
        parts.append("d.created_at < %s")
        params.append(_aware(filters.date_to, end=True))
    return " AND ".join(parts), params


@dataclass
class SearchResults(Sequence):
    """The results of one search, ranked; `is_capped` when more matched than were ranked."""

    viewer: User
    query: Words
    filters: SearchFilters
    _candidates: list[int] | None = field(default=None, repr=False)
    is_capped: bool = False

    def _ids(self) -> list[int]:
        if self._candidates is None:
            self._candidates = []
            if self.query and self.viewer.is_authenticated and self.viewer.is_active:
                limit = max_candidates()
                where, params = visibility_sql(self.viewer, self.filters)
                with connection.cursor() as cursor:
                    rows = backend().candidates(cursor, self.query, where, params, limit + 1)
                self.is_capped = len(rows) > limit
                # Rank only the newest `limit`: drop the extra row by age, not by score.
                if self.is_capped:
                    oldest = min(row[0] for row in rows)
                    rows = [row for row in rows if row[0] != oldest]
                self._candidates = [row[0] for row in rows]
        return self._candidates

    def __len__(self) -> int:
        return len(self._ids())

    def count(self) -> int:
        return len(self)

    @overload
    def __getitem__(self, index: int) -> Hit: ...

    @overload
    def __getitem__(self, index: slice) -> list[Hit]: ...

    def __getitem__(self, index):
        if isinstance(index, int):
            return self._hits(self._ids()[index : index + 1])[0]
        return self._hits(self._ids()[index])

    def _hits(self, ids: list[int]) -> list[Hit]:
        if not ids:
            return []
        documents = SearchDocument.objects.select_related("space", "author").in_bulk(ids)
        with connection.cursor() as cursor:
            snippets = backend().snippets(cursor, self.query, ids)
        contexts = self._thread_titles([documents[pk] for pk in ids if pk in documents])
        hits = []
        for pk in ids:
            document = documents.get(pk)
            if document is None:  # removed between the two queries
                continue
            snippet = snippets.get(pk, Snippet(document.title, document.body[:200]))
            hits.append(
                Hit(
                    document=document,
                    title_html=highlighted(snippet.title),
                    snippet_html=highlighted(snippet.body),
                    url=url_of(document),
                    context=contexts.get(document.thread_id or 0, "")
                    if document.kind == Kind.REPLY
                    else "",
                )
            )
        return hits

    def _thread_titles(self, documents: list[SearchDocument]) -> dict[int, str]:
        """Titles of the replies' threads, except a hidden one the viewer may not read."""
        thread_ids = {d.thread_id for d in documents if d.kind == Kind.REPLY and d.thread_id}
        if not thread_ids:
            return {}
        threads = Thread.objects.filter(pk__in=thread_ids).values_list(
            "pk", "title", "is_hidden", "author_id", "space_id"
        )
        rows = list(threads)
        hidden_spaces = {row[4] for row in rows if row[2]}
        managed = (
            set(
                spaces_managed_by(self.viewer)
                .filter(pk__in=hidden_spaces)
                .values_list("pk", flat=True)
            )
            if hidden_spaces
            else set()
        )
        return {
            pk: title
            if not hidden or author_id == self.viewer.pk or space_id in managed
            else str(HIDDEN_THREAD)
            for pk, title, hidden, author_id, space_id in rows
        }


def url_of(document: SearchDocument) -> str:
    slug = document.space.slug
    if document.kind == Kind.THREAD:
        return reverse("thread_detail", args=[slug, document.object_id])
    if document.kind == Kind.REPLY:
        url = reverse("thread_detail", args=[slug, document.thread_id])
        return f"{url}#reply-{document.object_id}"
    if document.kind == Kind.LESSON:
        return reverse("lesson_detail", args=[slug, document.object_id])
    return reverse("space_detail", args=[slug])


def search(*, viewer: User, text: str, filters: SearchFilters | None = None) -> SearchResults:
    """Search `text` among what `viewer` may see; empty when it has no words."""
    return SearchResults(
        viewer=viewer, query=words(text[:MAX_QUERY_CHARS]), filters=filters or SearchFilters()
    )
