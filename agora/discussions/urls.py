from django.urls import path

from agora.discussions import views

THREAD = "spaces/<slug:slug>/threads/<int:thread_id>/"
REPLY = THREAD + "replies/<int:reply_id>/"

urlpatterns = [
    path("spaces/<slug:slug>/threads/", views.thread_list, name="thread_list"),
    path("spaces/<slug:slug>/threads/new/", views.thread_create, name="thread_create"),
    path(THREAD, views.thread_detail, name="thread_detail"),
    path(THREAD + "edit/", views.thread_edit, name="thread_edit"),
    path(THREAD + "delete/", views.thread_delete, name="thread_delete"),
    path(THREAD + "moderate/", views.thread_moderate, name="thread_moderate"),
    path(THREAD + "accept/", views.answer_accept, name="answer_accept"),
    path(THREAD + "follow/", views.thread_follow, name="thread_follow"),
    path("spaces/<slug:slug>/follow/", views.space_follow, name="space_follow"),
    path(THREAD + "replies/", views.reply_create, name="reply_create"),
    path(REPLY + "comments/", views.comment_create, name="comment_create"),
    path(REPLY + "edit/", views.reply_edit, name="reply_edit"),
    path(REPLY + "delete/", views.reply_delete, name="reply_delete"),
    path(REPLY + "react/", views.reply_react, name="reply_react"),
    path(REPLY + "reactions/", views.reply_reactors, name="reply_reactors"),
    path(REPLY + "endorse/", views.reply_endorse, name="reply_endorse"),
    path(THREAD + "history/", views.post_history, name="thread_history"),
    path(REPLY + "history/", views.post_history, name="reply_history"),
    path(THREAD + "flag/", views.post_flag, name="thread_flag"),
    path(REPLY + "flag/", views.post_flag, name="reply_flag"),
    path(
        THREAD + "files/<int:attachment_id>/", views.attachment_download, name="attachment_download"
    ),
    path(THREAD + "video/", views.thread_video, name="thread_video"),
    path(THREAD + "video/<str:part>/", views.thread_video_file, name="thread_video_file"),
    path("discussions/preview/", views.markdown_preview, name="markdown_preview"),
    path("spaces/<slug:slug>/moderation/", views.review_queue, name="review_queue"),
    path("spaces/<slug:slug>/moderation/log/", views.moderation_log_page, name="moderation_log"),
    path(
        "spaces/<slug:slug>/moderation/<str:post_type>/<int:post_id>/",
        views.moderate_post,
        name="post_moderate",
    ),
    path("moderation/", views.org_review_queue, name="org_review_queue"),
    path("spaces/<slug:slug>/blog/", views.blog_index, name="blog_index"),
    path("spaces/<slug:slug>/blog/feed.atom", views.blog_feed, name="blog_feed"),
]
