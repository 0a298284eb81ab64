"""Every write to people, profiles, skills and tokens.

Each action checks permission, validates, saves and records its event in
one transaction; views, the API and commands all call these.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.accounts.models import AccessToken, OrgSettings, Profile, Skill, SkillClaim, User
from agora.accounts.permissions import can_administer, can_edit_profile
from agora.core.events import record
from agora.core.markdown import render_markdown
from agora.core.uploads import checked_image, delete_after_commit, random_name

NOT_YOUR_PROFILE = gettext_lazy("You may edit only your own profile.")
ADMINS_ONLY = gettext_lazy("Only organization admins may do this.")
LAST_ADMIN = gettext_lazy("The organization must keep at least one admin.")
MAX_SKILLS = 50
PHOTO_SIZE = 256

PROFILE_FIELDS = {
    "title",
    "department",
    "location",
    "bio",
    "interests",
    "phone",
    "chat_handle",
    "linkedin_url",
    "x_url",
    "github_url",
    "website_url",
    "email_visibility",
    "phone_visibility",
    "chat_visibility",
    "links_visibility",
    "open_to_questions",
}
USER_FIELDS = {"name", "handle", "time_zone", "language"}


@transaction.atomic
def update_profile(*, editor: User, person: User, **changes: Any) -> Profile:
    """Apply `changes` to `person`'s account and profile; record ``profile.updated``.

    Raise PermissionDenied unless `editor` is the person or an admin, and
    ValidationError (with field errors) when a value is invalid; nothing is
    saved then.
    """
    if not can_edit_profile(editor, person):
        raise PermissionDenied(NOT_YOUR_PROFILE)
    unknown = set(changes) - PROFILE_FIELDS - USER_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    # Model validation skips None in blank fields; the NOT NULL column would not.
    nulls = sorted(name for name, value in changes.items() if value is None)
    if nulls:
        raise ValidationError({name: _("This field may not be empty.") for name in nulls})
    profile, _created = Profile.objects.get_or_create(user=person)
    for name, value in changes.items():
        setattr(person if name in USER_FIELDS else profile, name, value)
    if isinstance(changes.get("name"), str):
        person.name = changes["name"].strip()
    if isinstance(changes.get("handle"), str):
        person.handle = changes["handle"].strip().removeprefix("@").lower()
    errors: dict[str, Any] = {}
    for instance, fields in ((person, USER_FIELDS), (profile, PROFILE_FIELDS)):
        try:
            instance.full_clean(
                exclude=[f.name for f in instance._meta.fields if f.name not in fields]
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    # A TextField's max_length binds only forms; the API comes here directly.
    try:
        MaxLengthValidator(Profile._meta.get_field("bio").max_length)(profile.bio)
    except ValidationError as error:
        errors.setdefault("bio", error.messages)
    if "name" in changes and not person.name:
        errors["name"] = [_("Enter your name.")]
    if "handle" in changes and not person.handle:
        errors["handle"] = [_("Choose a handle.")]
    if errors:
        raise ValidationError(errors)
    profile.bio_html = render_markdown(profile.bio)
    person.save()
    profile.save()
    if changes:
        record(actor=editor, verb="profile.updated", obj=person, fields=sorted(changes))
    return profile


@transaction.atomic
def set_profile_photo(*, editor: User, person: User, upload: UploadedFile | None) -> Profile:
    """Replace (or, with None, remove) `person`'s photo; record ``profile.photo_changed``.

    The upload is checked by content, resized and stored under a random
    name; ValidationError says what is wrong with it.
    """
    if not can_edit_profile(editor, person):
        raise PermissionDenied(NOT_YOUR_PROFILE)
    profile, _created = Profile.objects.get_or_create(user=person)
    old = copy.copy(profile.photo)  # `save` below renames the field's file in place
    if upload is None:
        profile.photo = None
    else:
        image = checked_image(upload, max_bytes=settings.AGORA_MAX_PHOTO_BYTES, size=PHOTO_SIZE)
        extension = image.name.rsplit(".", 1)[-1]
        # The field's upload_to adds the "photos/" folder.
        profile.photo.save(random_name("", extension), image, save=False)
    profile.save(update_fields=["photo", "updated_at"])
    delete_after_commit(old)
    record(actor=editor, verb="profile.photo_changed", obj=person)
    return profile


def find_or_create_skill(name: str) -> Skill:
    """Return the vocabulary skill named `name` (case-insensitive), adding it if new."""
    clean = " ".join(name.split())
    if not clean or len(clean) > 80:
        raise ValidationError({"skills": [_("A skill name has 1 to 80 characters.")]})
    skill = Skill.objects.filter(name__iexact=clean).first()
    return skill or Skill.objects.create(name=clean)


@transaction.atomic
def set_skills(*, editor: User, person: User, claims: list[dict[str, Any]]) -> list[SkillClaim]:
    """Replace `person`'s skills with `claims` ({"skill", "level", "years"}); record it.

    Skills come from the shared vocabulary; a new name is added to it.
    """
    if not can_edit_profile(editor, person):
        raise PermissionDenied(NOT_YOUR_PROFILE)
    if len(claims) > MAX_SKILLS:
        raise ValidationError({"skills": [_("List at most %(n)d skills.") % {"n": MAX_SKILLS}]})
    kept: dict[int, SkillClaim] = {}
    for claim in claims:
        skill = find_or_create_skill(str(claim.get("skill", "")))
        item = SkillClaim(
            user=person,
            skill=skill,
            level=claim.get("level") or SkillClaim.Level.PRACTITIONER,
            years=claim.get("years"),
        )
        try:
            item.full_clean(exclude=["user", "skill"], validate_unique=False)
        except ValidationError as error:
            raise ValidationError(
                {"skills": [f"{skill.name}: {m}" for m in error.messages]}
            ) from error
        kept[skill.pk] = item
    SkillClaim.objects.filter(user=person).exclude(skill_id__in=kept).delete()
    saved = []
    for skill_id, item in kept.items():
        claim, _created = SkillClaim.objects.update_or_create(
            user=person, skill_id=skill_id, defaults={"level": item.level, "years": item.years}
        )
        saved.append(claim)
    record(
        actor=editor,
        verb="profile.skills_changed",
        obj=person,
        skills=[c.skill.name for c in saved],
    )
    return saved


@transaction.atomic
def create_access_token(*, user: User, name: str) -> tuple[AccessToken, str]:
    """Create an API token for `user`; return it and its secret (shown only once)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise ValidationError({"name": [_("Name the token (1 to 80 characters).")]})
    if user.access_tokens.filter(revoked_at__isnull=True).count() >= 20:
        raise ValidationError({"name": [_("You have 20 active tokens; revoke one first.")]})
    key = AccessToken.new_key()
    token = AccessToken.objects.create(
        user=user, name=name, key_hash=AccessToken.hash_key(key), hint=key[:10]
    )
    record(actor=user, verb="token.created", obj=token)
    return token, key


@transaction.atomic
def revoke_access_token(*, user: User, token: AccessToken) -> AccessToken:
    """Revoke `token`; only its owner may."""
    if token.user_id != user.pk:
        raise PermissionDenied(_("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=user, verb="token.revoked", obj=token)
    return token


@transaction.atomic
def change_org_role(*, actor: User, person: User, role: str) -> User:
    """Give `person` the org `role`; only admins may, and one admin always remains."""
    if not can_administer(actor):
        raise PermissionDenied(ADMINS_ONLY)
    if role not in User.OrgRole.values:
        raise ValidationError({"org_role": [_("Choose a valid role.")]})
    if (
        person.org_role == User.OrgRole.ADMIN
        and role != User.OrgRole.ADMIN
        and not User.objects.select_for_update()
        .filter(org_role=User.OrgRole.ADMIN, is_active=True)
        .exclude(pk=person.pk)
        .exists()
    ):
        raise ValidationError({"org_role": [LAST_ADMIN]})
    old = person.org_role
    person.org_role = role
    person.save(update_fields=["org_role"])
    record(actor=actor, verb="person.role_changed", obj=person, old=old, new=role)
    return person


@transaction.atomic
def set_signup_mode(*, actor: User, mode: str) -> OrgSettings:
    """Choose who may sign up (open, invite-only, closed); admins only."""
    if not can_administer(actor):
        raise PermissionDenied(ADMINS_ONLY)
    if mode not in OrgSettings.SignupMode.values:
        raise ValidationError({"signup_mode": [_("Choose a valid sign-up mode.")]})
    org = OrgSettings.load()
    org.signup_mode = mode
    org.save(update_fields=["signup_mode"])
    record(actor=actor, verb="org.signup_mode_changed", obj=org, mode=mode)
    return org
