from django.contrib import admin

from agora.discussions.models import Attachment, Flag, Reaction, Reply, Revision, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["title", "space", "kind", "author", "reply_count", "is_pinned", "is_locked"]
    list_filter = ["kind", "is_pinned", "is_locked", "is_deleted"]
    list_select_related = ["space", "author"]
    search_fields = ["title"]
    raw_id_fields = ["space", "author", "accepted_reply"]
    readonly_fields = [
        "body_html",
        "reply_count",
        "agree_count",
        "disagree_count",
        "alternative_count",
    ]


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["pk", "thread", "author", "stance", "created_at", "is_deleted"]
    list_filter = ["stance", "is_deleted"]
    list_select_related = ["thread", "author"]
    raw_id_fields = ["thread", "parent", "author", "endorsed_by"]
    readonly_fields = ["body_html", "helpful_count", "insightful_count", "thanks_count"]


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin):
    list_display = ["reply", "user", "kind", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["reply", "user"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["pk", "thread", "reply", "editor", "written_at", "created_at"]
    raw_id_fields = ["thread", "reply", "editor"]
    readonly_fields = ["body_html"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "content_type", "size", "thread", "reply", "uploader", "created_at"]
    raw_id_fields = ["thread", "reply", "uploader"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["pk", "space", "reason", "status", "reporter", "created_at", "reviewed_by"]
    list_filter = ["status", "reason"]
    list_select_related = ["space", "reporter", "reviewed_by"]
    raw_id_fields = ["thread", "reply", "space", "reporter", "reviewed_by"]
