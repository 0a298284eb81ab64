"""Discussion endpoints: threads, replies with stance, reactions, endorsements, answers.

Ids are checked against the caller on every request: a thread or reply in a
space whose content the caller may not read answers 404, like a missing one.
A prompt in "post before you see others" mode answers 403 to a learner who
asks for its replies (or for a classmate's reply) before posting their own.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from agora.api.pagination import Pages
from agora.api.schemas import ErrorOut, OptionalFile, PathId, VideoUploadIn
from agora.core.markdown import render_markdown
from agora.discussions import actions
from agora.discussions.models import Reply, Thread
from agora.discussions.permissions import (
    access_reply,
    access_thread_by_id,
    can_accept_answer,
    can_review_flags,
    can_see_replies,
    conceals,
)
from agora.discussions.queries import (
    FlaggedPosts,
    blog_posts,
    flagged_posts,
    has_posted_in,
    moderation_log,
    reactors,
    reply_shown_to,
    revisions_of,
    space_threads,
    thread_attachment,
    thread_responses,
    unanswered_questions,
)
from agora.discussions.schemas import (
    AcceptedAnswerIn,
    AttachmentOut,
    FlaggedPostOut,
    FlagIn,
    FlagOut,
    ModerationEventOut,
    ModerationIn,
    PreviewIn,
    PreviewOut,
    ReactionKind,
    ReactorOut,
    ReplyFilter,
    ReplyIn,
    ReplyOut,
    ReplyPatch,
    ResponseOut,
    RevisionOut,
    ThreadFilter,
    ThreadIn,
    ThreadOut,
    ThreadPatch,
)
from agora.spaces.models import Space
from agora.spaces.permissions import access_space_by_id, can_view_content

router = Router(tags=["discussions"])

JOIN_TO_READ = "Join this space to see its content."
POST_FIRST = gettext_lazy("Post your own reply first: then you will see your classmates' replies.")
NOT_A_REPLY = gettext_lazy("Choose a reply of this thread.")


def _readable(request: HttpRequest, space_id: int) -> Space:
    space = access_space_by_id(request.user, space_id)
    if not can_view_content(request.user, space):
        raise PermissionDenied(JOIN_TO_READ)
    return space


def _check_post_first(request: HttpRequest, thread: Thread) -> None:
    """Refuse a learner the replies of a post-first prompt until they have posted."""
    has_posted = thread.post_first and has_posted_in(user=request.user, thread=thread)
    if not can_see_replies(request.user, thread, has_posted=has_posted):
        raise PermissionDenied(POST_FIRST)


def _visible_reply(request: HttpRequest, reply_id: int) -> Reply:
    reply = access_reply(request.user, reply_id)
    if reply.author_id != request.user.pk:
        _check_post_first(request, reply.thread)
    return reply


def _reply_of(thread: Thread, reply_id: int, field: str, message: str) -> Reply:
    """Return reply `reply_id` of `thread`; else a 422 on `field`."""
    reply = thread.replies.filter(pk=reply_id).first()
    if reply is None:
        raise ValidationError({field: [message]})
    return reply


def _reply_out(request: HttpRequest, reply: Reply) -> Reply:
    return reply_shown_to(viewer=request.user, reply_id=reply.pk)


def _with_api_names(error: ValidationError) -> ValidationError:
    """Name the action's `parent`/`reply` errors after the API's `*_id` fields."""
    if not hasattr(error, "error_dict"):
        return error
    names = {"parent": "parent_id", "reply": "reply_id"}
    return ValidationError({names.get(name, name): e for name, e in error.error_dict.items()})


# --- threads -------------------------------------------------------------------------


@router.get(
    "/spaces/{space_id}/threads",
    response={200: list[ThreadOut], 403: ErrorOut},
    url_name="space_threads",
)
@paginate(Pages, page_size=20)
def list_threads(request: HttpRequest, space_id: PathId, filters: Query[ThreadFilter]):
    """Threads of a space, pinned first, then by latest activity (deleted ones as tombstones).

    With `unanswered`, only questions without an accepted answer, oldest first.
    """
    space = _readable(request, space_id)
    threads = (
        unanswered_questions(space=space)
        if filters.unanswered
        else space_threads(space=space, kind=filters.kind or "")
    )
    # The space for each thread's url; attachments in one query.
    return threads.select_related("space", "video").prefetch_related("attachments")


@router.post("/spaces/{space_id}/threads", response={201: ThreadOut}, url_name="thread_create")
def create_thread(request: HttpRequest, space_id: PathId, data: ThreadIn):
    """Start a thread. Prompts, blog posts and announcements are for facilitators."""
    space = access_space_by_id(request.user, space_id)
    thread = actions.start_thread(author=request.user, space=space, **data.model_dump())
    return Status(201, thread)


@router.get("/threads/{thread_id}", response=ThreadOut, url_name="thread")
def get_thread(request: HttpRequest, thread_id: PathId):
    """One thread of a space whose content I may read."""
    return access_thread_by_id(request.user, thread_id)


@router.patch("/threads/{thread_id}", response=ThreadOut, url_name="thread_update")
def update_thread(request: HttpRequest, thread_id: PathId, data: ThreadPatch):
    """Change a thread's title, body or skill tags (its author only)."""
    thread = access_thread_by_id(request.user, thread_id)
    changes = data.model_dump(exclude_unset=True)
    return actions.edit_thread(
        editor=request.user,
        thread=thread,
        title=changes.get("title", thread.title),
        body=changes.get("body", thread.body),
        skills=changes.get("skills"),
    )


@router.delete("/threads/{thread_id}", response={204: None}, url_name="thread_delete")
def delete_thread(request: HttpRequest, thread_id: PathId):
    """Delete a thread (its author or a facilitator): a tombstone stays, replies survive."""
    actions.delete_thread(actor=request.user, thread=access_thread_by_id(request.user, thread_id))
    return Status(204, None)


@router.patch("/threads/{thread_id}/moderation", response=ThreadOut, url_name="thread_moderate")
def moderate_thread(request: HttpRequest, thread_id: PathId, data: ModerationIn):
    """Pin or unpin, lock or unlock a thread (facilitators)."""
    thread = access_thread_by_id(request.user, thread_id)
    return actions.moderate_thread(
        actor=request.user, thread=thread, **data.model_dump(exclude_unset=True)
    )


@router.put("/threads/{thread_id}/accepted-answer", response=ThreadOut, url_name="thread_accept")
def set_accepted_answer(request: HttpRequest, thread_id: PathId, data: AcceptedAnswerIn):
    """Accept a reply as the answer to a question, or clear it with null (asker or facilitator)."""
    thread = access_thread_by_id(request.user, thread_id)
    if not can_accept_answer(request.user, thread):
        raise PermissionDenied(actions.CANNOT_ACCEPT)
    reply = None
    if data.reply_id is not None:
        reply = _reply_of(thread, data.reply_id, "reply_id", NOT_A_REPLY)
    try:
        return actions.accept_answer(actor=request.user, thread=thread, reply=reply)
    except ValidationError as error:
        raise _with_api_names(error) from None


# --- replies -------------------------------------------------------------------------


@router.get(
    "/threads/{thread_id}/replies",
    response={200: list[ResponseOut], 403: ErrorOut},
    url_name="thread_replies",
)
@paginate(Pages, page_size=20)
def list_replies(request: HttpRequest, thread_id: PathId, filters: Query[ReplyFilter]):
    """Responses, each with its comments; `count` counts responses.

    A learner who has not yet replied to a "post before you see others"
    prompt gets 403 (code `forbidden`) until they post.
    """
    thread = access_thread_by_id(request.user, thread_id)
    _check_post_first(request, thread)
    return thread_responses(
        viewer=request.user, thread=thread, stance=filters.stance or "", order=filters.order
    )


@router.post("/threads/{thread_id}/replies", response={201: ReplyOut}, url_name="reply_create")
def create_reply(request: HttpRequest, thread_id: PathId, data: ReplyIn):
    """Reply to a thread, or (with `parent_id`) comment on one of its responses."""
    thread = access_thread_by_id(request.user, thread_id)
    parent = None
    if data.parent_id is not None:
        parent = _reply_of(thread, data.parent_id, "parent_id", actions.WRONG_PARENT)
    try:
        reply = actions.post_reply(
            author=request.user, thread=thread, body=data.body, stance=data.stance, parent=parent
        )
    except ValidationError as error:
        raise _with_api_names(error) from None
    return Status(201, _reply_out(request, reply))


@router.patch("/replies/{reply_id}", response=ReplyOut, url_name="reply_update")
def update_reply(request: HttpRequest, reply_id: PathId, data: ReplyPatch):
    """Change a reply's body or stance (its author only)."""
    reply = access_reply(request.user, reply_id)
    changes = data.model_dump(exclude_unset=True)
    actions.edit_reply(
        editor=request.user,
        reply=reply,
        body=changes.get("body", reply.body),
        stance=changes.get("stance"),
    )
    return _reply_out(request, reply)


@router.delete("/replies/{reply_id}", response={204: None}, url_name="reply_delete")
def delete_reply(request: HttpRequest, reply_id: PathId):
    """Delete a reply (its author or a facilitator): a tombstone stays, comments survive."""
    actions.delete_reply(actor=request.user, reply=access_reply(request.user, reply_id))
    return Status(204, None)


# --- reactions and endorsements ------------------------------------------------------------


@router.get(
    "/replies/{reply_id}/reactions",
    response={200: list[ReactorOut], 403: ErrorOut},
    url_name="reply_reactions",
)
@paginate(Pages, page_size=50)
def list_reactions(request: HttpRequest, reply_id: PathId):
    """Who reacted to a reply, and how."""
    return reactors(reply=_visible_reply(request, reply_id))


@router.post(
    "/replies/{reply_id}/reactions/{kind}", response={201: ReplyOut}, url_name="reply_react"
)
def add_reaction(request: HttpRequest, reply_id: PathId, kind: ReactionKind):
    """Mark a reply helpful, insightful or thanks (once each); returns the reply."""
    reply = _visible_reply(request, reply_id)
    actions.react(user=request.user, reply=reply, kind=kind)
    return Status(201, _reply_out(request, reply))


@router.delete("/replies/{reply_id}/reactions/{kind}", response=ReplyOut, url_name="reply_unreact")
def remove_reaction(request: HttpRequest, reply_id: PathId, kind: ReactionKind):
    """Take back my reaction (nothing happens if there is none); returns the reply."""
    reply = access_reply(request.user, reply_id)
    actions.unreact(user=request.user, reply=reply, kind=kind)
    return _reply_out(request, reply)


@router.post("/replies/{reply_id}/endorsement", response={201: ReplyOut}, url_name="reply_endorse")
def endorse_reply(request: HttpRequest, reply_id: PathId):
    """Endorse a reply (facilitators); returns the reply."""
    reply = access_reply(request.user, reply_id)
    actions.endorse_reply(actor=request.user, reply=reply)
    return Status(201, _reply_out(request, reply))


@router.delete("/replies/{reply_id}/endorsement", response=ReplyOut, url_name="reply_unendorse")
def unendorse_reply(request: HttpRequest, reply_id: PathId):
    """Withdraw the endorsement of a reply (facilitators); returns the reply."""
    reply = access_reply(request.user, reply_id)
    actions.endorse_reply(actor=request.user, reply=reply, endorse=False)
    return _reply_out(request, reply)


# --- revisions, attachments, preview -------------------------------------------------


def _readable_post(request: HttpRequest, post: Thread | Reply) -> Thread | Reply:
    """404 for a deleted post, or one hidden from the caller: nothing of it shows."""
    if post.is_deleted or conceals(request.user, post):
        raise Http404("No such post.")
    return post


@router.get(
    "/threads/{thread_id}/revisions",
    response={200: list[RevisionOut], 403: ErrorOut},
    url_name="thread_revisions",
)
@paginate(Pages, page_size=20)
def list_thread_revisions(request: HttpRequest, thread_id: PathId):
    """Earlier versions of a thread, newest first."""
    thread = _readable_post(request, access_thread_by_id(request.user, thread_id))
    return revisions_of(post=thread)


@router.get(
    "/replies/{reply_id}/revisions",
    response={200: list[RevisionOut], 403: ErrorOut},
    url_name="reply_revisions",
)
@paginate(Pages, page_size=20)
def list_reply_revisions(request: HttpRequest, reply_id: PathId):
    """Earlier versions of a reply, newest first."""
    reply = _readable_post(request, _visible_reply(request, reply_id))
    return revisions_of(post=reply)


def _attachments_out(post: Thread | Reply, attachments: list) -> list[dict]:
    thread = post if isinstance(post, Thread) else post.thread
    base = thread.get_absolute_url()
    return [
        {
            "id": attachment.pk,
            "name": attachment.name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "url": f"{base}files/{attachment.pk}/",
        }
        for attachment in attachments
    ]


@router.post(
    "/threads/{thread_id}/attachments",
    response={201: list[AttachmentOut]},
    url_name="thread_attach",
)
def attach_to_thread(request: HttpRequest, thread_id: PathId, files: File[list[UploadedFile]]):
    """Attach files to my thread (multipart, field `files`; at most 5 per post)."""
    thread = access_thread_by_id(request.user, thread_id)
    attachments = actions.attach_files(uploader=request.user, post=thread, files=files)
    return Status(201, _attachments_out(thread, attachments))


@router.post(
    "/replies/{reply_id}/attachments",
    response={201: list[AttachmentOut]},
    url_name="reply_attach",
)
def attach_to_reply(request: HttpRequest, reply_id: PathId, files: File[list[UploadedFile]]):
    """Attach files to my reply (multipart, field `files`; at most 5 per post)."""
    reply = access_reply(request.user, reply_id)
    attachments = actions.attach_files(uploader=request.user, post=reply, files=files)
    return Status(201, _attachments_out(reply, attachments))


def _remove_attachment(request: HttpRequest, post: Thread | Reply, attachment_id: int) -> None:
    """Remove a file of `post` (its author); 404 for a file that is not the post's."""
    thread = post if isinstance(post, Thread) else post.thread
    attachment = thread_attachment(thread=thread, attachment_id=attachment_id)
    owner = attachment.thread_id if isinstance(post, Thread) else attachment.reply_id
    if owner != post.pk:
        raise Http404("No such file.")
    actions.attach_files(uploader=request.user, post=post, remove=[attachment.pk])


@router.delete(
    "/threads/{thread_id}/attachments/{attachment_id}",
    response={204: None},
    url_name="thread_detach",
)
def detach_from_thread(request: HttpRequest, thread_id: PathId, attachment_id: PathId):
    """Remove a file from my thread (its stored copy is deleted)."""
    _remove_attachment(request, access_thread_by_id(request.user, thread_id), attachment_id)
    return Status(204, None)


@router.delete(
    "/replies/{reply_id}/attachments/{attachment_id}",
    response={204: None},
    url_name="reply_detach",
)
def detach_from_reply(request: HttpRequest, reply_id: PathId, attachment_id: PathId):
    """Remove a file from my reply (its stored copy is deleted)."""
    _remove_attachment(request, access_reply(request.user, reply_id), attachment_id)
    return Status(204, None)


@router.post("/threads/{thread_id}/video", response=ThreadOut, url_name="thread_video_upload")
def upload_thread_video(
    request: HttpRequest,
    thread_id: PathId,
    form: Form[VideoUploadIn],
    video: OptionalFile = None,
    captions: OptionalFile = None,
):
    """Add or replace the video of my show-and-tell thread (multipart: `video`, `captions`).

    `video` is an MP4 or WebM file, `captions` a WebVTT file; either may come
    alone (captions alone replace the current captions). A refused file
    (422) leaves the current video as it was.
    """
    thread = access_thread_by_id(request.user, thread_id)
    return actions.set_thread_video(
        editor=request.user,
        thread=thread,
        video=video,
        captions=captions,
        captions_language=form.captions_language,
    )


@router.delete("/threads/{thread_id}/video", response=ThreadOut, url_name="thread_video_delete")
def delete_thread_video(request: HttpRequest, thread_id: PathId):
    """Remove the video of my show-and-tell thread."""
    thread = access_thread_by_id(request.user, thread_id)
    return actions.set_thread_video(editor=request.user, thread=thread, remove=True)


@router.post("/markdown/preview", response=PreviewOut, url_name="markdown_preview")
def preview_markdown(request: HttpRequest, data: PreviewIn):
    """Render Markdown as a post would show it (sanitized); nothing is saved."""
    return {"html": render_markdown(data.body)}


# --- flags and moderation ------------------------------------------------------------


@router.post("/threads/{thread_id}/flags", response={201: FlagOut}, url_name="thread_flag")
def flag_thread(request: HttpRequest, thread_id: PathId, data: FlagIn):
    """Report a thread to the space's moderators (once while the report is open)."""
    thread = _readable_post(request, access_thread_by_id(request.user, thread_id))
    return Status(201, actions.flag_post(reporter=request.user, post=thread, **data.model_dump()))


@router.post("/replies/{reply_id}/flags", response={201: FlagOut}, url_name="reply_flag")
def flag_reply(request: HttpRequest, reply_id: PathId, data: FlagIn):
    """Report a reply to the space's moderators (once while the report is open)."""
    reply = _readable_post(request, _visible_reply(request, reply_id))
    return Status(201, actions.flag_post(reporter=request.user, post=reply, **data.model_dump()))


def _moderated(request: HttpRequest, space_id: int) -> Space:
    space = access_space_by_id(request.user, space_id)
    if not can_review_flags(request.user, space):
        raise PermissionDenied(actions.CANNOT_MODERATE)
    return space


@router.get(
    "/spaces/{space_id}/flags",
    response={200: list[FlaggedPostOut], 403: ErrorOut},
    url_name="space_flags",
)
@paginate(Pages, page_size=20)
def list_space_flags(request: HttpRequest, space_id: PathId):
    """Posts of a space with open reports, oldest report first (facilitators)."""
    return FlaggedPosts(flagged_posts(space=_moderated(request, space_id)))


@router.get("/flags", response={200: list[FlaggedPostOut], 403: ErrorOut}, url_name="flags")
@paginate(Pages, page_size=20)
def list_flags(request: HttpRequest):
    """Posts with open reports in every space (organization admins)."""
    if not request.user.is_org_admin:
        raise PermissionDenied(_("Only organization admins see every space's reports."))
    return FlaggedPosts(flagged_posts())


@router.put("/threads/{thread_id}/hidden", response=ThreadOut, url_name="thread_hide")
def hide_thread(request: HttpRequest, thread_id: PathId):
    """Hide a thread (facilitators); its open reports close. Replies stay."""
    thread = access_thread_by_id(request.user, thread_id)
    return actions.hide_post(actor=request.user, post=thread)


@router.delete("/threads/{thread_id}/hidden", response=ThreadOut, url_name="thread_restore")
def restore_thread(request: HttpRequest, thread_id: PathId):
    """Show a hidden thread again (facilitators)."""
    thread = access_thread_by_id(request.user, thread_id)
    return actions.restore_post(actor=request.user, post=thread)


@router.delete("/threads/{thread_id}/flags", response={204: None}, url_name="thread_dismiss")
def dismiss_thread_flags(request: HttpRequest, thread_id: PathId):
    """Dismiss the open reports of a thread, leaving it as it is (facilitators)."""
    actions.dismiss_flags(actor=request.user, post=access_thread_by_id(request.user, thread_id))
    return Status(204, None)


@router.put("/replies/{reply_id}/hidden", response=ReplyOut, url_name="reply_hide")
def hide_reply(request: HttpRequest, reply_id: PathId):
    """Hide a reply (facilitators); its open reports close. Comments under it stay."""
    reply = access_reply(request.user, reply_id)
    actions.hide_post(actor=request.user, post=reply)
    return _reply_out(request, reply)


@router.delete("/replies/{reply_id}/hidden", response=ReplyOut, url_name="reply_restore")
def restore_reply(request: HttpRequest, reply_id: PathId):
    """Show a hidden reply again (facilitators)."""
    reply = access_reply(request.user, reply_id)
    actions.restore_post(actor=request.user, post=reply)
    return _reply_out(request, reply)


@router.delete("/replies/{reply_id}/flags", response={204: None}, url_name="reply_dismiss")
def dismiss_reply_flags(request: HttpRequest, reply_id: PathId):
    """Dismiss the open reports of a reply, leaving it as it is (facilitators)."""
    actions.dismiss_flags(actor=request.user, post=access_reply(request.user, reply_id))
    return Status(204, None)


@router.get(
    "/spaces/{space_id}/moderation-log",
    response={200: list[ModerationEventOut], 403: ErrorOut},
    url_name="moderation_log",
)
@paginate(Pages, page_size=25)
def list_moderation_log(request: HttpRequest, space_id: PathId):
    """Every moderation act in a space, newest first (facilitators)."""
    return moderation_log(space=_moderated(request, space_id))


# --- blog --------------------------------------------------------------------------


@router.get(
    "/spaces/{space_id}/blog",
    response={200: list[ThreadOut], 403: ErrorOut},
    url_name="space_blog",
)
@paginate(Pages, page_size=10)
def list_blog_posts(request: HttpRequest, space_id: PathId):
    """A space's blog posts, newest first."""
    return blog_posts(space=_readable(request, space_id)).prefetch_related("attachments")
