from django.contrib import admin

from agora.notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "text", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "event", "actor", "space", "thread"]
    search_fields = ["recipient__email", "text"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_filter = ["kind", "channel"]
    raw_id_fields = ["user"]
