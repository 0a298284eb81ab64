"""Read paths for discussion pages and the API, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    JSONField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404

from agora.accounts.models import Profile, User
from agora.core.aggregates import JSONObjects
from agora.core.models import Event
from agora.discussions.models import (
    Attachment,
    Flag,
    Follow,
    Reaction,
    Reply,
    Revision,
    Thread,
    ThreadVisit,
)

if TYPE_CHECKING:
    from agora.spaces.models import Space

REPLY_ORDERS = {
    "oldest": ("created_at", "pk"),
    "newest": ("-created_at", "-pk"),
    "helpful": ("-helpful_count", "created_at", "pk"),
}


def with_skills(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    """Annotate each thread's skill tags in the same query (`Thread.skill_tags` reads them).

    A subquery, not a prefetch: the thread page stays within its query budget.
    """
    tags = (
        Thread.skills.through.objects.filter(thread=OuterRef("pk"))
        .order_by()
        .values("thread")
        .annotate(tags=JSONObjects(id="skill__id", name="skill__name", slug="skill__slug"))
        .values("tags")
    )
    return threads.annotate(skills_json=Subquery(tags, output_field=JSONField()))


def space_threads(
    *, space: Space, kind: str = "", viewer: User | None = None, skill: str = ""
) -> QuerySet[Thread]:
    """Threads of `space` (tombstones included), pinned first, then by activity.

    With `viewer`, each thread says whether it is unread (`is_unread`): never
    opened, or active since the viewer's last visit. With `skill` (a slug), only
    the threads tagged with it. Each thread carries its skill tags.
    """
    threads = with_skills(Thread.objects.filter(space=space).select_related("author__profile"))
    if kind in Thread.Kind.values:
        threads = threads.filter(kind=kind)
    if skill:
        threads = threads.filter(skills__slug=skill)
    if viewer is not None:
        threads = with_unread(threads, viewer=viewer)
    return threads.order_by("-is_pinned", "-last_activity_at", "-pk")


def with_unread(threads: QuerySet[Thread], *, viewer: User) -> QuerySet[Thread]:
    """Annotate `viewer_last_seen` and `is_unread` (no visit, or activity after it)."""
    if not viewer.is_authenticated:
        return threads.annotate(is_unread=Value(False, output_field=BooleanField()))
    seen = ThreadVisit.objects.filter(thread=OuterRef("pk"), user=viewer).values("seen_at")[:1]
    return threads.annotate(viewer_last_seen=Subquery(seen)).annotate(
        is_unread=Case(
            When(viewer_last_seen__isnull=True, then=Value(True)),
            When(last_activity_at__gt=F("viewer_last_seen"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def unanswered_questions(*, space: Space, skill: str = "") -> QuerySet[Thread]:
    """Questions of `space` without an accepted answer, oldest first (with `skill`: tagged so)."""
    threads = with_skills(
        Thread.objects.filter(
            space=space, kind=Thread.Kind.QUESTION, accepted_reply__isnull=True, is_deleted=False
        ).select_related("author__profile")
    )
    if skill:
        threads = threads.filter(skills__slug=skill)
    return threads.order_by("created_at", "pk")


# The columns of a reply the thread page shows, in `ReplyRow`'s order.
REPLY_COLUMNS = (
    "id",
    "thread_id",
    "parent_id",
    "author_id",
    "body_html",
    "stance",
    "is_deleted",
    "is_hidden",
    "endorsed_by_id",
    "endorsed_at",
    "created_at",
    "edited_at",
    "helpful_count",
    "insightful_count",
    "thanks_count",
)
# Beside them: the author's name and photo and the endorser's name.
REPLY_ROW_FIELDS = (*REPLY_COLUMNS, "author__name", "author__profile__photo", "endorsed_by__name")
# What the page attaches to each row (views/page.py `_prepare`).
REPLY_MARKS = (
    "thread",
    "may_edit",
    "may_delete",
    "may_react",
    "may_flag",
    "is_concealed",
    "is_new",
    "attachment_list",
    "reaction_buttons",
    "marks",
)


class Person:
    """A reply's author or endorser as the thread page shows them: name and photo."""

    __slots__ = ("id", "name", "photo")

    def __init__(self, pk: int, name: str, photo: str = "") -> None:
        self.id, self.name, self.photo = pk, name, photo or ""

    @property
    def pk(self) -> int:
        return self.id

    @property
    def initials(self) -> str:
        return User.initials.func(self)  # the same letters as the person's own avatar

    @property
    def photo_url(self) -> str:
        return Profile._meta.get_field("photo").storage.url(self.photo) if self.photo else ""


class ReplyRow:
    """A reply as the thread page shows it, read as one tuple of `REPLY_ROW_FIELDS`.

    A 200-reply page built three model objects per reply (reply, author,
    profile): a third of the page's time. A row holds the same values;
    `values` is the tuple itself, which with the page's marks is the key of
    the reply's rendered article (`rendering.py`). `ReplyRow.of` makes one
    from a `Reply` (a reply just posted or edited), so one template serves both.
    """

    __slots__ = (*REPLY_COLUMNS, "values", "author", "endorsed_by", *REPLY_MARKS)

    def __init__(self, values: tuple, people: dict[int, Person] | None = None) -> None:
        self.values = values
        (
            self.id,
            self.thread_id,
            self.parent_id,
            self.author_id,
            self.body_html,
            self.stance,
            self.is_deleted,
            self.is_hidden,
            self.endorsed_by_id,
            self.endorsed_at,
            self.created_at,
            self.edited_at,
            self.helpful_count,
            self.insightful_count,
            self.thanks_count,
            author_name,
            photo,
            endorser_name,
        ) = values
        people = {} if people is None else people
        self.author = _person(people, self.author_id, author_name, photo)
        self.endorsed_by = _person(people, self.endorsed_by_id, endorser_name, None)

    @classmethod
    def of(cls, reply: Reply) -> ReplyRow:
        """The row of `reply`, from its fields and its author's loaded profile."""
        author, endorser = reply.author, reply.endorsed_by
        profile = getattr(author, "profile", None) if author is not None else None
        return cls(
            (
                *(getattr(reply, name) for name in REPLY_COLUMNS),
                getattr(author, "name", None),
                (profile.photo.name if profile is not None else None) or "",
                getattr(endorser, "name", None),
            )
        )

    @property
    def pk(self) -> int:
        return self.id

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#reply-{self.id}"  # `thread`: set by the page


def _person(people: dict[int, Person], pk: int | None, name: str | None, photo: str | None):
    """One `Person` per id on a page (the endorser's photo is not read)."""
    if pk is None:
        return None
    person = people.get(pk)
    if person is None or (photo and not person.photo):
        person = people[pk] = Person(pk, name or "", photo or "")
    return person


@dataclass
class Response:
    """A top-level reply with its comments, for the thread template."""

    reply: ReplyRow
    comments: list[ReplyRow] = field(default_factory=list)


def thread_replies(*, thread: Thread, stance: str = "", order: str = "oldest") -> list[Response]:
    """Responses of `thread` with their comments, in one query.

    `stance` keeps the responses with that stance (comments follow their
    response); `order` is oldest, newest or helpful.
    """
    people: dict[int, Person] = {}
    rows = (
        Reply.objects.filter(thread=thread)
        .order_by(*REPLY_ORDERS.get(order, REPLY_ORDERS["oldest"]))
        .values_list(*REPLY_ROW_FIELDS)
    )
    responses: dict[int, Response] = {}
    comments: list[ReplyRow] = []
    for values in rows:
        reply = ReplyRow(values, people)
        if reply.parent_id is None:
            responses[reply.id] = Response(reply)
        else:
            comments.append(reply)
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        if comment.parent_id in responses:
            responses[comment.parent_id].comments.append(comment)
    result = list(responses.values())
    if stance in Reply.Stance.values and stance:
        result = [item for item in result if item.reply.stance == stance]
    return result


def replies_by_id(*, thread: Thread, reply_ids: Sequence[int]) -> list[ReplyRow]:
    """The rows of replies `reply_ids` of `thread`, as the thread page reads them, oldest first."""
    people: dict[int, Person] = {}
    rows = (
        Reply.objects.filter(thread=thread, pk__in=reply_ids)
        .order_by("created_at", "pk")
        .values_list(*REPLY_ROW_FIELDS)
    )
    return [ReplyRow(values, people) for values in rows]


def reply_attachments(*, reply_ids: Sequence[int]) -> dict[int, list[Attachment]]:
    """The attachments of replies `reply_ids`, by reply."""
    files: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(reply_id__in=reply_ids).order_by(
        "created_at", "pk"
    ):
        files.setdefault(attachment.reply_id, []).append(attachment)
    return files


def reactions_among(
    *, user_ids: Sequence[int], replies: Sequence[ReplyRow]
) -> dict[int, set[tuple[int, str]]]:
    """The (reply id, kind) pairs each of `user_ids` reacted with on `replies`, by user.

    Replies nobody reacted to are not asked about (a new reply, most often).
    """
    reacted_to = [
        reply.pk
        for reply in replies
        if reply.helpful_count or reply.insightful_count or reply.thanks_count
    ]
    pairs: dict[int, set[tuple[int, str]]] = {}
    if not reacted_to:
        return pairs
    rows = Reaction.objects.filter(user_id__in=user_ids, reply_id__in=reacted_to).values_list(
        "user_id", "reply_id", "kind"
    )
    for user_id, reply_id, kind in rows:
        pairs.setdefault(user_id, set()).add((reply_id, kind))
    return pairs


def responders_among(*, thread: Thread, user_ids: Sequence[int]) -> set[int]:
    """Those of `user_ids` with a live response of their own in `thread` (`has_posted_in`)."""
    return set(
        Reply.objects.filter(
            thread=thread, author_id__in=user_ids, parent=None, is_deleted=False
        ).values_list("author_id", flat=True)
    )


def reactions_of(*, viewer: User, thread: Thread) -> set[tuple[int, str]]:
    """The (reply id, kind) pairs `viewer` has reacted with in `thread`."""
    if not viewer.is_authenticated:
        return set()
    return set(
        Reaction.objects.filter(user=viewer, reply__thread=thread).values_list("reply_id", "kind")
    )


def has_posted_in(*, user: User, thread: Thread) -> bool:
    """Whether `user` has a live response of their own in `thread`.

    This is what unlocks a post-first prompt: comments do not count, so a
    comment on a guessed reply id reveals nothing.
    """
    return Reply.objects.filter(thread=thread, author=user, parent=None, is_deleted=False).exists()


def reactors(*, reply: Reply) -> QuerySet[Reaction]:
    """Who reacted to `reply`, and how."""
    return reply.reactions.select_related("user").order_by("kind", "created_at", "pk")


def _replies_shown_to(viewer: User) -> QuerySet[Reply]:
    """Replies with what the API shows beside them: accepted flag, viewer's reactions."""
    accepted = Exists(
        Thread.objects.filter(pk=OuterRef("thread_id"), accepted_reply=OuterRef("pk"))
    )
    mine = Reaction.objects.filter(user=viewer).only("reply_id", "kind").order_by("kind")
    return (
        Reply.objects.select_related("author", "thread__space")
        .annotate(is_accepted=accepted)
        .prefetch_related(
            Prefetch("reactions", queryset=mine, to_attr="viewer_reactions"), "attachments"
        )
    )


def thread_responses(
    *, viewer: User, thread: Thread, stance: str = "", order: str = "oldest"
) -> QuerySet[Reply]:
    """Responses of `thread` with their comments (`comment_list`), for paging.

    Unlike `thread_replies` this is a queryset, so a page fetches only its
    own responses and their comments; `stance` and `order` as there.
    """
    comments = _replies_shown_to(viewer).order_by("created_at", "pk")
    responses = _replies_shown_to(viewer).filter(thread=thread, parent=None)
    if stance in Reply.Stance.values and stance:
        responses = responses.filter(stance=stance)
    return responses.prefetch_related(
        Prefetch("comments", queryset=comments, to_attr="comment_list")
    ).order_by(*REPLY_ORDERS.get(order, REPLY_ORDERS["oldest"]))


def reply_shown_to(*, viewer: User, reply_id: int) -> Reply:
    """One reply with the fields of `thread_responses` (no comments), fresh from the database."""
    return _replies_shown_to(viewer).get(pk=reply_id)


# --- Attachments, revisions ----------------------------------------------------------


@dataclass
class ThreadFiles:
    """The attachments of a thread and of its replies, fetched in one query."""

    thread: list[Attachment] = field(default_factory=list)
    by_reply: dict[int, list[Attachment]] = field(default_factory=dict)


def thread_attachments(*, thread: Thread) -> ThreadFiles:
    """Every attachment of `thread` and its replies, in one query."""
    files = ThreadFiles()
    # A UNION, not an OR across the join: each half uses its own index.
    rows = (
        Attachment.objects.filter(thread=thread)
        .order_by()
        .union(Attachment.objects.filter(reply__thread=thread).order_by())
        .order_by("created_at", "pk")
    )
    for attachment in rows:
        if attachment.thread_id:
            files.thread.append(attachment)
        else:
            files.by_reply.setdefault(attachment.reply_id, []).append(attachment)
    return files


def post_attachments(*, post: Thread | Reply) -> QuerySet[Attachment]:
    return post.attachments.order_by("created_at", "pk")


def revisions_of(*, post: Thread | Reply) -> QuerySet[Revision]:
    """Earlier versions of `post`, newest first, with their editors."""
    return post.revisions.select_related("editor").order_by("-created_at", "-pk")


# --- Moderation ----------------------------------------------------------------------


@dataclass
class FlaggedPost:
    """A post with open flags, for the review queue."""

    thread: Thread
    reply: Reply | None
    flags: list[Flag]

    @property
    def post(self) -> Thread | Reply:
        return self.reply or self.thread

    @property
    def post_type(self) -> str:
        return "reply" if self.reply else "thread"

    @property
    def reasons(self) -> list[str]:
        return sorted({str(flag.get_reason_display()) for flag in self.flags})


def flagged_posts(*, spaces: QuerySet[Space] | None = None, space: Space | None = None):
    """Posts with open flags (one row each), oldest report first: (thread id, reply id)."""
    flags = Flag.objects.filter(status=Flag.Status.OPEN)
    if space is not None:
        flags = flags.filter(space=space)
    if spaces is not None:
        flags = flags.filter(space__in=spaces)
    return (
        flags.values("thread_id", "reply_id")
        .annotate(first_at=Min("created_at"), flag_count=Count("pk"))
        .order_by("first_at", "thread_id", "reply_id")
    )


def flagged_page_rows(rows: list[dict]) -> list[FlaggedPost]:
    """The posts and open flags of a page of `flagged_posts`, in three queries."""
    thread_ids = {row["thread_id"] for row in rows if row["thread_id"]}
    reply_ids = {row["reply_id"] for row in rows if row["reply_id"]}
    threads = {
        thread.pk: thread
        for thread in Thread.objects.filter(pk__in=thread_ids).select_related("author", "space")
    }
    replies = {
        reply.pk: reply
        for reply in Reply.objects.filter(pk__in=reply_ids).select_related(
            "author", "thread__space"
        )
    }
    flags: dict[tuple[str, int], list[Flag]] = {}
    for flag in (
        Flag.objects.filter(
            Q(thread_id__in=thread_ids) | Q(reply_id__in=reply_ids), status=Flag.Status.OPEN
        )
        .select_related("reporter")
        .order_by("created_at", "pk")
    ):
        key = ("reply", flag.reply_id) if flag.reply_id else ("thread", flag.thread_id)
        flags.setdefault(key, []).append(flag)
    result = []
    for row in rows:
        if row["reply_id"]:
            reply = replies[row["reply_id"]]
            result.append(FlaggedPost(reply.thread, reply, flags.get(("reply", reply.pk), [])))
        else:
            thread = threads[row["thread_id"]]
            result.append(FlaggedPost(thread, None, flags.get(("thread", thread.pk), [])))
    return result


class FlaggedPosts(Sequence):
    """`flagged_posts` as a lazy sequence of FlaggedPost: slicing fetches a page.

    Paginators (HTML and API) count it and slice it; a page costs the count,
    the page's rows, and three queries for its posts and reports.
    """

    def __init__(self, rows: QuerySet) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return self.rows.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return flagged_page_rows(list(self.rows[index]))
        return flagged_page_rows([self.rows[index]])[0]


MODERATION_VERBS = (
    "post.hidden",
    "post.restored",
    "flag.raised",
    "flag.dismissed",
    "thread.moderated",
)


def moderation_log(*, space: Space) -> QuerySet[Event]:
    """Moderation events of `space`, newest first: hides, restores, flags,
    pins, locks, closes, and deletions by someone other than the author."""
    deleted_by_moderator = Q(verb__in=("thread.deleted", "reply.deleted"), data__by_moderator=True)
    return (
        Event.objects.filter(space=space)
        .filter(Q(verb__in=MODERATION_VERBS) | deleted_by_moderator)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


# --- Blog --------------------------------------------------------------------------


def blog_posts(*, space: Space) -> QuerySet[Thread]:
    """Live, visible blog posts of `space`, newest first."""
    return with_skills(
        Thread.objects.filter(space=space, kind=Thread.Kind.BLOG, is_deleted=False, is_hidden=False)
        .select_related("author", "space")
        .order_by("-created_at", "-pk")
    )


def is_following_space(*, user: User, space: Space) -> bool:
    """Whether `user` follows every thread of `space`."""
    return Follow.objects.filter(user=user, space=space).exists()


def thread_attachment(*, thread: Thread, attachment_id: int) -> Attachment:
    """Return a file of `thread` or of one of its replies, or raise Http404."""
    attachment = (
        Attachment.objects.filter(Q(thread=thread) | Q(reply__thread=thread), pk=attachment_id)
        .only("pk", "thread_id", "reply_id", "file", "name", "content_type", "size")
        .first()
    )
    if attachment is None:
        raise Http404("No such file.")
    return attachment
