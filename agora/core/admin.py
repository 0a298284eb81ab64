from django.contrib import admin

from agora.core.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["verb", "actor", "space", "created_at", "delivered_at", "attempts"]
    list_filter = ["verb"]
    list_select_related = ["actor", "space"]
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
