"""Discussion pages: a space's threads, a new thread, a thread with its replies.

Every POST goes through an action, which checks permission: PermissionDenied
shows the 403 page (or, for a reply, the page with the typed text kept), and
ValidationError shows the form again with its errors, status 400. htmx
requests get fragments (a posted reply, a reaction toggle); everything works
without JavaScript through plain forms and redirects.
"""

from agora.discussions.views.blog import blog_feed, blog_index
from agora.discussions.views.editing import markdown_preview
from agora.discussions.views.follows import space_follow, thread_follow
from agora.discussions.views.moderation import (
    moderate_post,
    moderation_log_page,
    org_review_queue,
    review_queue,
)
from agora.discussions.views.page import thread_detail
from agora.discussions.views.posts import attachment_download, post_flag, post_history
from agora.discussions.views.replies import (
    comment_create,
    reply_create,
    reply_delete,
    reply_edit,
    reply_endorse,
    reply_react,
    reply_reactors,
)
from agora.discussions.views.threads import (
    answer_accept,
    thread_create,
    thread_delete,
    thread_edit,
    thread_list,
    thread_moderate,
)
from agora.discussions.views.videos import thread_video, thread_video_file

__all__ = [
    "answer_accept",
    "attachment_download",
    "blog_feed",
    "blog_index",
    "comment_create",
    "markdown_preview",
    "moderate_post",
    "moderation_log_page",
    "org_review_queue",
    "post_flag",
    "post_history",
    "reply_create",
    "reply_delete",
    "reply_edit",
    "reply_endorse",
    "reply_react",
    "reply_reactors",
    "review_queue",
    "space_follow",
    "thread_create",
    "thread_delete",
    "thread_detail",
    "thread_edit",
    "thread_follow",
    "thread_list",
    "thread_moderate",
    "thread_video",
    "thread_video_file",
]
