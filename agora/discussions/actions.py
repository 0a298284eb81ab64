"""Every write to threads, replies and reactions.

Each action checks permission, validates, renders Markdown, saves, keeps the
counters (F() updates, so concurrent replies are all counted) and records
its event, in one transaction. Notifications, search and live pushes react to
the events; nothing fans out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.accounts.actions import skill_tags
from agora.accounts.models import Skill, User
from agora.core.events import record
from agora.core.uploads import CheckedFile, checked_file, delete_after_commit
from agora.core.videos import check_video_upload, discard_video, store_video
from agora.discussions.mentions import cook
from agora.discussions.models import (
    MAX_BODY,
    MAX_TITLE,
    Attachment,
    Flag,
    Follow,
    Reaction,
    Reply,
    Revision,
    Thread,
    ThreadVisit,
)
from agora.discussions.permissions import (
    can_accept_answer,
    can_delete,
    can_edit,
    can_flag,
    can_follow,
    can_moderate,
    can_react,
    can_reply,
    can_see_replies,
    can_start_thread,
    may_take_stance,
)
from agora.discussions.queries import has_posted_in
from agora.spaces.models import Space
from agora.spaces.permissions import can_post_in

CANNOT_START = gettext_lazy("You may not start this kind of thread here.")
CANNOT_REPLY = gettext_lazy(
    "You cannot reply here: the thread is locked or closed, or you are not a member."
)
CANNOT_EDIT = gettext_lazy("Only the author may edit this.")
CANNOT_DELETE = gettext_lazy("Only the author or a facilitator may delete this.")
CANNOT_MODERATE = gettext_lazy("Only the space's facilitators may do this.")
CANNOT_REACT = gettext_lazy("You cannot react to this reply.")
CANNOT_ACCEPT = gettext_lazy("Only the asker or a facilitator may accept an answer.")
ALREADY_REACTED = gettext_lazy("You already reacted this way.")
NO_STANCE_HERE = gettext_lazy("A stance can be taken on a lesson prompt or on another reply only.")
WRONG_PARENT = gettext_lazy("Comment on a response of this thread.")
EMPTY_BODY = gettext_lazy("Write something first.")
RESPOND_FIRST = gettext_lazy("Post your own response first; then you can comment on others'.")
CANNOT_FLAG = gettext_lazy("You cannot report this post.")
ALREADY_FLAGGED = gettext_lazy(
    "You have already reported this post; the moderators will look at it."
)
NO_OPEN_FLAGS = gettext_lazy("This post has no open reports.")
TOO_MANY_FILES = gettext_lazy("Attach at most %(n)d files.")
NOT_THIS_POSTS_FILE = gettext_lazy("Choose files of this post.")
MAX_ATTACHMENTS = 5
VIDEO_ONLY_SHOW_AND_TELL = gettext_lazy("Only show-and-tell posts carry a video.")
MAX_THREAD_SKILLS = 5
STANCE_COUNTERS = {
    Reply.Stance.AGREE: "agree_count",
    Reply.Stance.DISAGREE: "disagree_count",
    Reply.Stance.ALTERNATIVE: "alternative_count",
}
REACTION_COUNTERS = {
    Reaction.Kind.HELPFUL: "helpful_count",
    Reaction.Kind.INSIGHTFUL: "insightful_count",
    Reaction.Kind.THANKS: "thanks_count",
}


def _snapshot(thread: Thread) -> dict[str, Any]:
    """Names kept in the event so feeds and notifications need no joins."""
    return {
        "space_name": thread.space.name,
        "space_slug": thread.space.slug,
        "thread_id": thread.pk,
        "thread_title": thread.title,
        "kind": thread.kind,
    }


def _by_moderator(actor: User, post: Thread | Reply) -> dict[str, bool]:
    """Mark a deletion by someone other than the author: the moderation log lists it."""
    return {"by_moderator": True} if actor.pk != post.author_id else {}


def _clean_text(title: str | None, body: str, *, needs_body: bool) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").replace("\x00", "").split())
    if title is not None and len(title) > MAX_TITLE:
        errors["title"] = [_("Keep the title under %(n)d characters.") % {"n": MAX_TITLE}]
    body = (body or "").replace("\x00", "").strip()
    if len(body) > MAX_BODY:
        errors["body"] = [_("Keep it under %(n)d characters.") % {"n": MAX_BODY}]
    elif needs_body and not body:
        errors["body"] = [EMPTY_BODY]
    if errors:
        raise ValidationError(errors)
    return title, body


def _clean_skills(skills: Sequence[Skill | int]) -> list[Skill]:
    """The thread's tags: at most MAX_THREAD_SKILLS known skills (see `skill_tags`)."""
    return skill_tags(skills, limit=MAX_THREAD_SKILLS)


def _lock(reply: Reply) -> None:
    """Lock `reply`'s row and re-read what counters depend on.

    A caller may hold a stale copy (two tabs, two requests at once); reading
    the locked row means a stance or a tombstone is never counted twice.
    """
    current = (
        Reply.objects.select_for_update()
        .values("is_deleted", "stance", "endorsed_at", "endorsed_by")
        .get(pk=reply.pk)
    )
    reply.is_deleted, reply.stance = current["is_deleted"], current["stance"]
    reply.endorsed_at, reply.endorsed_by_id = current["endorsed_at"], current["endorsed_by"]


def _sees_replies(user: User, thread: Thread) -> bool:
    """Whether `user` has classmates' replies in sight (post-first prompts hide them).

    Only a response of one's own counts as having posted; the query runs for
    post-first prompts alone.
    """
    if not thread.post_first:
        return True
    return can_see_replies(user, thread, has_posted=has_posted_in(user=user, thread=thread))


@transaction.atomic
def start_thread(
    *,
    author: User,
    space: Space,
    title: str,
    body: str = "",
    kind: str = Thread.Kind.DISCUSSION,
    post_first: bool = False,
    files: Sequence[UploadedFile] = (),
    skills: Sequence[Skill | int] = (),
    video: UploadedFile | None = None,
    captions: UploadedFile | None = None,
    captions_language: str = "",
) -> Thread:
    """Start a thread in `space` (with `files` attached, tagged with `skills`).

    A show-and-tell thread may carry a `video` with WebVTT `captions` (its
    poster is taken in a task). Record ``thread.started`` with the skills'
    slugs. Raise ValidationError, before anything is stored, when a file is
    refused.
    """
    if kind not in Thread.Kind.values:
        raise ValidationError({"kind": [_("Choose a kind of thread.")]})
    if not can_start_thread(author, space, kind):
        raise PermissionDenied(CANNOT_START)
    title, body = _clean_text(title, body, needs_body=False)
    if not title:
        raise ValidationError({"title": [_("Give the thread a title.")]})
    checked = _checked_files(files)
    if (video or captions) and kind != Thread.Kind.SHOW_AND_TELL:
        raise ValidationError({"video": [VIDEO_ONLY_SHOW_AND_TELL]})
    if captions and not video:
        raise ValidationError({"captions": [_("Captions go with a video: upload the video too.")]})
    checked_video = check_video_upload(
        video=video, captions=captions, captions_language=captions_language
    )
    tags = _clean_skills(skills)
    cooked = cook(body, author=author)
    thread = Thread(
        space=space,
        author=author,
        kind=kind,
        title=title,
        body=body,
        body_html=cooked.html,
        post_first=post_first and kind == Thread.Kind.PROMPT,
    )
    thread.save()
    if tags:
        thread.skills.set(tags)
    _attach(checked, uploader=author, thread=thread)
    if checked_video.video is not None:
        thread.video = store_video(checked=checked_video, uploader=author)
        thread.save(update_fields=["video"])
    record(
        actor=author,
        verb="thread.started",
        obj=thread,
        space=space,
        skills=[skill.slug for skill in tags],
        **cooked.event_data,
        **_snapshot(thread),
    )
    return thread


@transaction.atomic
def edit_thread(
    *,
    editor: User,
    thread: Thread,
    title: str,
    body: str,
    skills: Sequence[Skill | int] | None = None,
) -> Thread:
    """Change a thread's title, body and (unless `skills` is None) skill tags; its author only.

    Record ``thread.edited`` with the slugs of the skills the thread now has.
    """
    if not can_edit(editor, thread):
        raise PermissionDenied(CANNOT_EDIT)
    title, body = _clean_text(title, body, needs_body=False)
    if not title:
        raise ValidationError({"title": [_("Give the thread a title.")]})
    if skills is None:
        tags = list(thread.skills.all())
    else:
        tags = _clean_skills(skills)
        thread.skills.set(tags)
        thread.__dict__.pop("skills_json", None)  # read before the change (queries.with_skills)
    _save_revision(thread, editor=editor)
    cooked = cook(body, author=editor, previous=thread.body)
    thread.title, thread.body, thread.body_html = title, body, cooked.html
    thread.edited_at = timezone.now()
    thread.save(update_fields=["title", "body", "body_html", "edited_at"])
    record(
        actor=editor,
        verb="thread.edited",
        obj=thread,
        space=thread.space,
        skills=[skill.slug for skill in tags],
        **cooked.event_data,
        **_snapshot(thread),
    )
    return thread


@transaction.atomic
def moderate_thread(
    *,
    actor: User,
    thread: Thread,
    is_pinned: bool | None = None,
    is_locked: bool | None = None,
    is_closed: bool | None = None,
) -> Thread:
    """Pin or unpin, lock or unlock, close or reopen a thread; facilitators only."""
    if not can_moderate(actor, thread.space):
        raise PermissionDenied(CANNOT_MODERATE)
    changes = {}
    if is_pinned is not None and is_pinned != thread.is_pinned:
        changes["is_pinned"] = is_pinned
    if is_locked is not None and is_locked != thread.is_locked:
        changes["is_locked"] = is_locked
    if is_closed is not None and is_closed != thread.is_closed:
        changes["is_closed"] = is_closed
    for name, value in changes.items():
        setattr(thread, name, value)
    if changes:
        thread.save(update_fields=list(changes))
        record(
            actor=actor,
            verb="thread.moderated",
            obj=thread,
            space=thread.space,
            **changes,
            **_snapshot(thread),
        )
    return thread


@transaction.atomic
def delete_thread(*, actor: User, thread: Thread) -> Thread:
    """Leave a tombstone: the title stays, the body and the video go, replies survive."""
    if not can_delete(actor, thread):
        raise PermissionDenied(CANNOT_DELETE)
    # Conditional, so a stale copy (two tabs) does not record a second deletion.
    tombstone = {"is_deleted": True, "body": "", "body_html": ""}
    if not Thread.objects.filter(pk=thread.pk, is_deleted=False).update(**tombstone):
        raise PermissionDenied(CANNOT_DELETE)
    thread.is_deleted, thread.body, thread.body_html = True, "", ""
    _purge(thread)
    if thread.video is not None:
        discard_video(thread.video)  # its row now; its files once this commits
        thread.video = None
    record(
        actor=actor,
        verb="thread.deleted",
        obj=thread,
        space=thread.space,
        **_by_moderator(actor, thread),
        **_snapshot(thread),
    )
    return thread


@transaction.atomic
def post_reply(
    *,
    author: User,
    thread: Thread,
    body: str,
    stance: str = Reply.Stance.NONE,
    parent: Reply | None = None,
    files: Sequence[UploadedFile] = (),
) -> Reply:
    """Add a response (or, with `parent`, a comment on one); record ``reply.posted``.

    Raise PermissionDenied unless the author may reply (member, thread not
    locked; in a post-first prompt, a comment only after one's own
    response), and ValidationError for an empty or huge body, a stance where
    none may be taken, or a parent from another thread.
    """
    if not can_reply(author, thread):
        raise PermissionDenied(CANNOT_REPLY)
    if stance not in Reply.Stance.values:
        raise ValidationError({"stance": [_("Choose agree, disagree or an alternative view.")]})
    if parent is not None and (parent.thread_id != thread.pk or parent.parent_id is not None):
        raise ValidationError({"parent": [WRONG_PARENT]})
    if parent is not None and not _sees_replies(author, thread):
        # A comment would unlock the replies of a post-first prompt.
        raise PermissionDenied(RESPOND_FIRST)
    if stance and not may_take_stance(thread, parent):
        raise ValidationError({"stance": [NO_STANCE_HERE]})
    _title, body = _clean_text(None, body, needs_body=True)
    checked = _checked_files(files)
    cooked = cook(body, author=author)
    reply = Reply.objects.create(
        thread=thread,
        parent=parent,
        author=author,
        body=body,
        body_html=cooked.html,
        stance=stance,
    )
    _attach(checked, uploader=author, reply=reply)
    counters: dict[str, Any] = {
        "reply_count": F("reply_count") + 1,
        "last_activity_at": reply.created_at,
    }
    if stance:
        counters[STANCE_COUNTERS[stance]] = F(STANCE_COUNTERS[stance]) + 1
    Thread.objects.filter(pk=thread.pk).update(**counters)
    record(
        actor=author,
        verb="reply.posted",
        **cooked.event_data,
        obj=reply,
        space=thread.space,
        reply_id=reply.pk,
        parent_id=parent.pk if parent else None,
        parent_author_id=parent.author_id if parent else None,
        thread_author_id=thread.author_id,
        stance=stance,
        **_snapshot(thread),
    )
    return reply


@transaction.atomic
def edit_reply(*, editor: User, reply: Reply, body: str, stance: str | None = None) -> Reply:
    """Change a reply's body (and stance); its author only. Record ``reply.edited``."""
    _lock(reply)
    if not can_edit(editor, reply):
        raise PermissionDenied(CANNOT_EDIT)
    thread = reply.thread
    _title, body = _clean_text(None, body, needs_body=True)
    new_stance = reply.stance if stance is None else stance
    if new_stance not in Reply.Stance.values:
        raise ValidationError({"stance": [_("Choose agree, disagree or an alternative view.")]})
    parent = reply.parent
    if new_stance and not may_take_stance(thread, parent):
        raise ValidationError({"stance": [NO_STANCE_HERE]})
    if new_stance != reply.stance:
        counters = {}
        if reply.stance:
            counters[STANCE_COUNTERS[reply.stance]] = F(STANCE_COUNTERS[reply.stance]) - 1
        if new_stance:
            counters[STANCE_COUNTERS[new_stance]] = F(STANCE_COUNTERS[new_stance]) + 1
        Thread.objects.filter(pk=thread.pk).update(**counters)
    _save_revision(reply, editor=editor)
    cooked = cook(body, author=editor, previous=reply.body)
    reply.body, reply.body_html, reply.stance = body, cooked.html, new_stance
    reply.edited_at = timezone.now()
    reply.save(update_fields=["body", "body_html", "stance", "edited_at"])
    record(
        actor=editor,
        verb="reply.edited",
        **cooked.event_data,
        obj=reply,
        space=thread.space,
        reply_id=reply.pk,
        stance=new_stance,
        **_snapshot(thread),
    )
    return reply


@transaction.atomic
def delete_reply(*, actor: User, reply: Reply) -> Reply:
    """Leave a tombstone; comments under it survive. Record ``reply.deleted``."""
    _lock(reply)
    if not can_delete(actor, reply):
        raise PermissionDenied(CANNOT_DELETE)
    thread = reply.thread
    counters: dict[str, Any] = {"reply_count": F("reply_count") - 1}
    if reply.stance:
        counters[STANCE_COUNTERS[reply.stance]] = F(STANCE_COUNTERS[reply.stance]) - 1
    Thread.objects.filter(pk=thread.pk).update(**counters)
    if thread.accepted_reply_id == reply.pk:
        Thread.objects.filter(pk=thread.pk).update(accepted_reply=None)
    reply.is_deleted = True
    reply.body = ""
    reply.body_html = ""
    reply.save(update_fields=["is_deleted", "body", "body_html"])
    _purge(reply)
    record(
        actor=actor,
        verb="reply.deleted",
        obj=reply,
        space=thread.space,
        reply_id=reply.pk,
        **_by_moderator(actor, reply),
        **_snapshot(thread),
    )
    return reply


def _purge(post: Thread | Reply) -> None:
    """A deleted post keeps neither its earlier versions nor its files."""
    post.revisions.all().delete()
    files = [attachment.file for attachment in post.attachments.all()]
    post.attachments.all().delete()
    delete_after_commit(*files)


@transaction.atomic
def react(*, user: User, reply: Reply, kind: str) -> Reaction:
    """Mark a reply helpful, insightful or thanks (once per kind); record ``reply.reacted``."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": [_("Choose helpful, insightful or thanks.")]})
    if not can_react(user, reply) or not _sees_replies(user, reply.thread):
        raise PermissionDenied(CANNOT_REACT)
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(reply=reply, user=user, kind=kind)
    except IntegrityError as error:
        raise ValidationError({"kind": [ALREADY_REACTED]}) from error
    counter = REACTION_COUNTERS[kind]
    Reply.objects.filter(pk=reply.pk).update(**{counter: F(counter) + 1})
    record(
        actor=user,
        verb="reply.reacted",
        obj=reply,
        space=reply.thread.space,
        reply_id=reply.pk,
        reaction=kind,
        reply_author_id=reply.author_id,
        **_snapshot(reply.thread),
    )
    return reaction


@transaction.atomic
def unreact(*, user: User, reply: Reply, kind: str) -> None:
    """Take back one's reaction of `kind`; no-op when there is none.

    Raise PermissionDenied where the person may no longer post (an archived
    space, or one they left): their reaction stays as it was.
    """
    if not can_post_in(user, reply.thread.space):
        raise PermissionDenied(CANNOT_REACT)
    deleted, _rows = Reaction.objects.filter(reply=reply, user=user, kind=kind).delete()
    if deleted:
        counter = REACTION_COUNTERS[kind]
        Reply.objects.filter(pk=reply.pk).update(**{counter: F(counter) - 1})
        # Only the live thread pages read it: their counts go down too.
        record(
            actor=user,
            verb="reply.unreacted",
            obj=reply,
            space=reply.thread.space,
            reply_id=reply.pk,
            reaction=kind,
            **_snapshot(reply.thread),
        )


@transaction.atomic
def endorse_reply(*, actor: User, reply: Reply, endorse: bool = True) -> Reply:
    """A facilitator endorses (or withdraws endorsement of) a reply."""
    thread = reply.thread
    _lock(reply)
    if not can_moderate(actor, thread.space) or reply.is_deleted or thread.is_deleted:
        raise PermissionDenied(CANNOT_MODERATE)
    if endorse == (reply.endorsed_at is not None):
        return reply
    reply.endorsed_by = actor if endorse else None
    reply.endorsed_at = timezone.now() if endorse else None
    reply.save(update_fields=["endorsed_by", "endorsed_at"])
    if endorse:
        record(
            actor=actor,
            verb="reply.endorsed",
            obj=reply,
            space=thread.space,
            reply_id=reply.pk,
            reply_author_id=reply.author_id,
            **_snapshot(thread),
        )
    return reply


@transaction.atomic
def accept_answer(*, actor: User, thread: Thread, reply: Reply | None) -> Thread:
    """The asker or a facilitator accepts `reply` as the answer (None clears it)."""
    if not can_accept_answer(actor, thread):
        raise PermissionDenied(CANNOT_ACCEPT)
    if reply is not None and (reply.thread_id != thread.pk or reply.is_deleted):
        raise ValidationError({"reply": [_("Choose a reply of this question.")]})
    thread.accepted_reply = reply
    thread.save(update_fields=["accepted_reply"])
    if reply is not None:
        record(
            actor=actor,
            verb="answer.accepted",
            obj=reply,
            space=thread.space,
            reply_id=reply.pk,
            reply_author_id=reply.author_id,
            **_snapshot(thread),
        )
    return thread


# --- Revisions, attachments, visits ------------------------------------------------


def _save_revision(post: Thread | Reply, *, editor: User) -> Revision:
    """Keep the version of `post` that an edit is about to replace."""
    return Revision.objects.create(
        thread=post if isinstance(post, Thread) else None,
        reply=post if isinstance(post, Reply) else None,
        editor=editor,
        title=post.title if isinstance(post, Thread) else "",
        body=post.body,
        body_html=post.body_html,
        stance=getattr(post, "stance", ""),
        written_at=post.edited_at or post.created_at,
    )


def _checked_files(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Check every file before anything is saved; raise ValidationError on `files`."""
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": [TOO_MANY_FILES % {"n": MAX_ATTACHMENTS}]})
    checked = []
    for upload in files:
        try:
            checked.append(
                checked_file(
                    upload, max_bytes=settings.AGORA_MAX_ATTACHMENT_BYTES, prefix="attachments"
                )
            )
        except ValidationError as error:
            name = (upload.name or "").rsplit("/", 1)[-1][:80]
            raise ValidationError(
                {"files": [f"{name}: {message}" for message in error.messages]}
            ) from error
    return checked


def _attach(
    checked: list[CheckedFile],
    *,
    uploader: User,
    thread: Thread | None = None,
    reply: Reply | None = None,
) -> list[Attachment]:
    attachments = []
    for item in checked:
        attachment = Attachment(
            thread=thread,
            reply=reply,
            uploader=uploader,
            name=item.name,
            content_type=item.content_type,
            size=item.size,
        )
        attachment.file.save(item.content.name, item.content, save=False)
        attachment.save()
        attachments.append(attachment)
    return attachments


@transaction.atomic
def attach_files(
    *,
    uploader: User,
    post: Thread | Reply,
    files: Sequence[UploadedFile] = (),
    remove: Sequence[int] = (),
) -> list[Attachment]:
    """Attach `files` to one's own post and drop its attachments `remove` (ids).

    The post keeps at most MAX_ATTACHMENTS; an id that is not one of the
    post's files is refused, and so is the whole change with it. Record
    ``attachment.added`` and ``attachment.removed``; the files dropped leave
    the storage once the transaction commits. Return the files added.
    """
    if not can_edit(uploader, post):
        raise PermissionDenied(CANNOT_EDIT)
    thread = post if isinstance(post, Thread) else post.thread
    existing = {attachment.pk: attachment for attachment in post.attachments.all()}
    dropped = [existing[pk] for pk in dict.fromkeys(remove) if pk in existing]
    if len(dropped) != len(set(remove)):
        raise ValidationError({"remove_files": [NOT_THIS_POSTS_FILE]})
    if len(existing) - len(dropped) + len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": [TOO_MANY_FILES % {"n": MAX_ATTACHMENTS}]})
    checked = _checked_files(files)
    if dropped:
        Attachment.objects.filter(pk__in=[attachment.pk for attachment in dropped]).delete()
        delete_after_commit(*(attachment.file for attachment in dropped))
        record(
            actor=uploader,
            verb="attachment.removed",
            obj=post,
            space=thread.space,
            file_names=[attachment.name for attachment in dropped],
            **_snapshot(thread),
        )
    if not checked:
        return []
    if isinstance(post, Thread):
        attachments = _attach(checked, uploader=uploader, thread=post)
    else:
        attachments = _attach(checked, uploader=uploader, reply=post)
    record(
        actor=uploader,
        verb="attachment.added",
        obj=post,
        space=thread.space,
        attachment_ids=[attachment.pk for attachment in attachments],
        **_snapshot(thread),
    )
    return attachments


@transaction.atomic
def set_thread_video(
    *,
    editor: User,
    thread: Thread,
    video: UploadedFile | None = None,
    captions: UploadedFile | None = None,
    captions_language: str = "",
    remove: bool = False,
) -> Thread:
    """Add, replace or remove the video (and captions) of one's own show-and-tell thread.

    New captions alone replace the current video's captions. Everything is
    checked first: a refused file leaves the current video as it was.
    Record ``video.attached`` or ``video.removed``.
    """
    if not can_edit(editor, thread):
        raise PermissionDenied(CANNOT_EDIT)
    if thread.kind != Thread.Kind.SHOW_AND_TELL:
        raise ValidationError({"video": [VIDEO_ONLY_SHOW_AND_TELL]})
    if remove:
        if thread.video is not None:
            discard_video(thread.video)
            thread.video = None
            thread.save(update_fields=["video"])
            record(
                actor=editor,
                verb="video.removed",
                obj=thread,
                space=thread.space,
                **_snapshot(thread),
            )
        return thread
    checked = check_video_upload(
        video=video, captions=captions, captions_language=captions_language
    )
    if checked.video is None and checked.captions is None:
        raise ValidationError({"video": [_("Choose a video or a captions file to upload.")]})
    current = thread.video
    thread.video = store_video(checked=checked, uploader=editor, current=current)
    thread.save(update_fields=["video"])
    record(
        actor=editor,
        verb="video.attached",
        obj=thread,
        space=thread.space,
        video_id=thread.video.pk if thread.video else None,
        **_snapshot(thread),
    )
    return thread


def record_visit(*, user: User, thread: Thread) -> None:
    """Remember that `user` read `thread` now, in one query (an upsert).

    No event: reading is not something that happened to the space.
    """
    if not user.is_authenticated:
        return
    ThreadVisit.objects.bulk_create(
        [ThreadVisit(user=user, thread=thread, seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["seen_at"],
    )


# --- Flags and moderation ----------------------------------------------------------


def _post_data(post: Thread | Reply) -> dict[str, Any]:
    """What a moderation event says about the post, beside the thread's names."""
    thread = post if isinstance(post, Thread) else post.thread
    return {
        "post_type": "thread" if isinstance(post, Thread) else "reply",
        "post_id": post.pk,
        "post_author_id": post.author_id,
        **_snapshot(thread),
    }


def _flags_of(post: Thread | Reply):
    return Flag.objects.filter(
        **({"thread": post} if isinstance(post, Thread) else {"reply": post}),
        status=Flag.Status.OPEN,
    )


@transaction.atomic
def flag_post(*, reporter: User, post: Thread | Reply, reason: str, note: str = "") -> Flag:
    """Report `post` to the space's moderators; record ``flag.raised``.

    Raise PermissionDenied unless the reporter may read (and is not the
    author of) the post, and ValidationError for an unknown reason, a long
    note, or a second open report of the same post.
    """
    if reason not in Flag.Reason.values:
        raise ValidationError({"reason": [_("Choose a reason.")]})
    note = " ".join((note or "").replace("\x00", "").split())
    if len(note) > 500:
        raise ValidationError({"note": [_("Keep the note under 500 characters.")]})
    if not can_flag(reporter, post):
        raise PermissionDenied(CANNOT_FLAG)
    thread = post if isinstance(post, Thread) else post.thread
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                thread=post if isinstance(post, Thread) else None,
                reply=post if isinstance(post, Reply) else None,
                space=thread.space,
                reporter=reporter,
                reason=reason,
                note=note,
            )
    except IntegrityError as error:
        raise ValidationError(ALREADY_FLAGGED, code="already_flagged") from error
    record(
        actor=reporter,
        verb="flag.raised",
        obj=flag,
        space=thread.space,
        reason=reason,
        **_post_data(post),
    )
    return flag


def _review(actor: User, post: Thread | Reply, status: str) -> int:
    """Close the open flags of `post` with `status`; return how many."""
    return _flags_of(post).update(status=status, reviewed_by=actor, reviewed_at=timezone.now())


def _check_moderator(actor: User, post: Thread | Reply) -> Thread:
    thread = post if isinstance(post, Thread) else post.thread
    if not can_moderate(actor, thread.space):
        raise PermissionDenied(CANNOT_MODERATE)
    return thread


def _set_hidden(
    actor: User, post: Thread | Reply, *, hidden: bool, status: str, verb: str
) -> Thread | Reply:
    """Hide or show `post`, close its open flags with `status`, and record `verb`."""
    thread = _check_moderator(actor, post)
    changed = type(post).objects.filter(pk=post.pk, is_hidden=not hidden).update(is_hidden=hidden)
    post.is_hidden = hidden
    flags = _review(actor, post, status)
    if changed or flags:
        record(
            actor=actor, verb=verb, obj=post, space=thread.space, flags=flags, **_post_data(post)
        )
    return post


@transaction.atomic
def hide_post(*, actor: User, post: Thread | Reply) -> Thread | Reply:
    """Hide `post` from everyone but its author and the moderators; record ``post.hidden``.

    Its open flags close as "post hidden"; replies under it stay.
    """
    return _set_hidden(actor, post, hidden=True, status=Flag.Status.HIDDEN, verb="post.hidden")


@transaction.atomic
def restore_post(*, actor: User, post: Thread | Reply) -> Thread | Reply:
    """Show a hidden post again; record ``post.restored``. Open flags close as restored."""
    return _set_hidden(actor, post, hidden=False, status=Flag.Status.RESTORED, verb="post.restored")


@transaction.atomic
def dismiss_flags(*, actor: User, post: Thread | Reply) -> int:
    """Close the open flags of `post`, leaving it as it is; record ``flag.dismissed``."""
    thread = _check_moderator(actor, post)
    flags = _review(actor, post, Flag.Status.DISMISSED)
    if not flags:
        raise ValidationError(NO_OPEN_FLAGS, code="no_open_flags")
    record(
        actor=actor,
        verb="flag.dismissed",
        obj=post,
        space=thread.space,
        flags=flags,
        **_post_data(post),
    )
    return flags


# --- Following ---------------------------------------------------------------------------
# No events: following changes only what one hears of, and nobody else sees it.
CANNOT_FOLLOW = gettext_lazy("You can follow only what you may read.")


@transaction.atomic
def follow_thread(*, user: User, thread: Thread) -> Follow:
    """Hear of new replies in `thread`; following twice is one follow."""
    if not can_follow(user, thread.space):
        raise PermissionDenied(CANNOT_FOLLOW)
    follow, _created = Follow.objects.get_or_create(user=user, thread=thread)
    return follow


@transaction.atomic
def unfollow_thread(*, user: User, thread: Thread) -> None:
    """Stop hearing of new replies in `thread` (no-op when not following)."""
    Follow.objects.filter(user=user, thread=thread).delete()


@transaction.atomic
def follow_space(*, user: User, space: Space) -> Follow:
    """Hear of every new thread and reply in `space`."""
    if not can_follow(user, space):
        raise PermissionDenied(CANNOT_FOLLOW)
    follow, _created = Follow.objects.get_or_create(user=user, space=space)
    return follow


@transaction.atomic
def unfollow_space(*, user: User, space: Space) -> None:
    """Stop hearing of new posts in `space` (no-op when not following)."""
    Follow.objects.filter(user=user, space=space).delete()
