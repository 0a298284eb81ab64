from django.contrib import admin

from agora.experts.models import Expertise, ExpertRequest, SkillEndorsement


@admin.register(SkillEndorsement)
class SkillEndorsementAdmin(admin.ModelAdmin):
    list_display = ["person", "skill", "endorser", "is_hidden", "created_at"]
    list_select_related = ["person", "skill", "endorser"]
    raw_id_fields = ["person", "skill", "endorser"]


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    """Derived rows: read-only here (the listeners keep them)."""

    list_display = ["user", "skill", "score", "level", "accepted_answers", "endorsements"]
    list_select_related = ["user", "skill"]
    search_fields = ["user__name", "skill__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ExpertRequest)
class ExpertRequestAdmin(admin.ModelAdmin):
    list_display = ["asker", "expert", "skill", "status", "is_helpful", "created_at"]
    list_select_related = ["asker", "expert", "skill"]
    raw_id_fields = ["asker", "expert", "skill", "thread"]
