from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from agora.accounts.actions import LAST_ADMIN, change_org_role
from agora.accounts.models import AccessToken, OrgSettings, Profile, Skill, SkillClaim, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    exclude = ["bio_html"]


class AgoraUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"

    def clean_org_role(self) -> str:
        role = self.cleaned_data["org_role"]
        was_admin = self.instance.pk and self.initial.get("org_role") == User.OrgRole.ADMIN
        if (
            was_admin
            and role != User.OrgRole.ADMIN
            and not User.objects.filter(org_role=User.OrgRole.ADMIN, is_active=True)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(LAST_ADMIN)
        return role


class AgoraUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "name", "org_role")
        field_classes = {}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AgoraUserChangeForm
    add_form = AgoraUserCreationForm
    ordering = ["name"]
    list_display = ["name", "email", "org_role", "is_active", "date_joined"]
    list_filter = ["org_role", "is_active"]
    search_fields = ["name", "email"]
    inlines = [ProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        ("Organization", {"fields": ["org_role", "is_active"]}),
        ("Preferences", {"fields": ["time_zone", "language"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "name",
                    "org_role",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []

    def get_inlines(self, request, obj=None):
        # A new account gets its profile from User.save; edit it once it exists.
        return self.inlines if obj is not None else []

    def save_model(self, request, obj: User, form, change: bool) -> None:
        """Role changes go through the action, so they are checked and recorded."""
        if change and "org_role" in form.changed_data:
            new_role = obj.org_role
            obj.org_role = form.initial["org_role"]
            super().save_model(request, obj, form, change)
            change_org_role(actor=request.user, person=obj, role=new_role)
        else:
            super().save_model(request, obj, form, change)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name", "slug"]


@admin.register(SkillClaim)
class SkillClaimAdmin(admin.ModelAdmin):
    list_display = ["user", "skill", "level", "years"]
    list_select_related = ["user", "skill"]
    raw_id_fields = ["user", "skill"]


@admin.register(OrgSettings)
class OrgSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "signup_mode"]

    def has_add_permission(self, request) -> bool:
        return not OrgSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["key_hash", "hint", "created_at", "last_used_at"]
    raw_id_fields = ["user"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are created by their owners, who see the secret once
