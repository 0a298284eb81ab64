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
    path(THREAD + "replies/", views.reply_create, name="reply_create"),
    path(REPLY + "comments/", views.comment_create, name="comment_create"),
    path(REPLY + "edit/", views.reply_edit, name="reply_edit"),
    path(REPLY + "delete/", views.reply_delete, name="reply_delete"),
    path(REPLY + "react/", views.reply_react, name="reply_react"),
    path(REPLY + "reactions/", views.reply_reactors, name="reply_reactors"),
    path(REPLY + "endorse/", views.reply_endorse, name="reply_endorse"),
]
