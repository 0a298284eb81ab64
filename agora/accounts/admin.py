from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from agora.accounts.actions import (
    LAST_ADMIN,
    add_skill_alias,
    change_org_role,
    merge_skills,
    remove_skill_alias,
    rename_skill,
    set_skill_parent,
    skill_named,
)
from agora.accounts.models import (
    AccessToken,
    OrgSettings,
    Profile,
    Skill,
    SkillAlias,
    SkillClaim,
    User,
)


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


class SkillAliasInline(admin.TabularInline):
    model = SkillAlias
    extra = 1
    verbose_name = _("alias")
    verbose_name_plural = _("aliases (other names that find this skill)")


class SkillAdminForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "parent"]

    def clean_name(self) -> str:
        """The name of no other skill or alias (renaming to one's own alias is fine)."""
        name = " ".join(self.cleaned_data["name"].split())
        taken = skill_named(name)
        if taken is not None and taken.pk != self.instance.pk:
            raise forms.ValidationError(
                _("“%(name)s” already names the skill %(skill)s.")
                % {"name": name, "skill": taken.name}
            )
        return name


class MergeSkillsForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Skill.objects.none(),
        widget=forms.RadioSelect,
        label=_("Keep this skill"),
        empty_label=None,
    )

    def __init__(self, *args, skills, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = skills


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    """The shared vocabulary. Renames, parents, aliases and merges go through the
    actions (so they are checked and recorded): a renamed skill keeps its old
    name as an alias, and merging moves every reference to the kept skill."""

    form = SkillAdminForm
    search_fields = ["name", "aliases__name"]
    list_display = ["name", "slug", "parent", "alias_names"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    inlines = [SkillAliasInline]
    actions = ["merge_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("aliases"))
    def alias_names(self, skill: Skill) -> str:
        return ", ".join(alias.name for alias in skill.aliases.all())

    def save_model(self, request, obj: Skill, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        name, parent = obj.name, obj.parent
        saved = Skill.objects.get(pk=obj.pk)
        obj.name, obj.parent = saved.name, saved.parent
        try:
            if "name" in form.changed_data:
                rename_skill(actor=request.user, skill=obj, name=name)
            if "parent" in form.changed_data:
                set_skill_parent(actor=request.user, skill=obj, parent=parent)
        except ValidationError as error:
            # The form checked the name; what is left (a parent loop) is shown
            # as a message and the rest of the change still saves.
            for message in error.messages:
                self.message_user(request, message, level=messages.ERROR)

    def save_formset(self, request, form, formset, change: bool) -> None:
        """Aliases are added and removed through the actions."""
        if formset.model is not SkillAlias:
            super().save_formset(request, form, formset, change)
            return
        skill = form.instance
        # The admin's change message reads these; the actions record the events.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for alias_form in formset.forms:
            if not alias_form.has_changed() and not alias_form.cleaned_data.get("DELETE"):
                continue
            data = alias_form.cleaned_data
            alias = alias_form.instance if alias_form.instance.pk else None
            try:
                if data.get("DELETE") or (alias is not None and not data.get("name")):
                    if alias is not None:
                        remove_skill_alias(actor=request.user, alias=alias)
                    continue
                if alias is not None:
                    remove_skill_alias(actor=request.user, alias=alias)
                if data.get("name"):
                    add_skill_alias(actor=request.user, skill=skill, name=data["name"])
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, level=messages.ERROR)

    @admin.action(description=_("Merge selected skills into…"))
    def merge_selected(self, request, queryset):
        """Ask which skill to keep, then fold the others into it."""
        skills = Skill.objects.filter(pk__in=queryset.values("pk")).order_by("name")
        if skills.count() < 2:
            self.message_user(
                request, _("Select at least two skills to merge."), level=messages.WARNING
            )
            return None
        form = MergeSkillsForm(request.POST if "apply" in request.POST else None, skills=skills)
        if "apply" in request.POST and form.is_valid():
            keep = form.cleaned_data["keep"]
            others = [skill for skill in skills if skill.pk != keep.pk]
            try:
                merge_skills(actor=request.user, keep=keep, others=others)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, " ".join(_messages(error)), level=messages.ERROR)
                return None
            self.message_user(
                request,
                _("Merged %(others)s into %(keep)s; their names are now aliases.")
                % {"others": ", ".join(o.name for o in others), "keep": keep.name},
                level=messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge skills"),
            "opts": self.model._meta,
            "skills": skills,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "listed": skills.annotate(people=Count("claims", distinct=True)),
        }
        return TemplateResponse(request, "admin/accounts/skill/merge.html", context)


def _messages(error: Exception) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


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
