from django.contrib import admin

from agora.spaces.models import Invitation, JoinRequest, Membership, Space


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "visibility", "status", "member_count", "last_activity_at"]
    list_filter = ["kind", "visibility", "status"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["parent", "created_by"]
    readonly_fields = ["member_count", "created_at", "last_activity_at"]
    exclude = ["description_html"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "space", "role", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["space"]
    raw_id_fields = ["space", "invitee", "invited_by"]
    readonly_fields = ["token"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "space", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["user", "space"]
    raw_id_fields = ["space", "user", "decided_by"]
