"""Every write to people, profiles, skills and tokens.

Each action checks permission, validates, saves and records its event in
one transaction; views, the API and commands all call these.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.accounts.models import (
    AccessToken,
    OrgSettings,
    Profile,
    Skill,
    SkillAlias,
    SkillClaim,
    User,
)
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
    "availability",
    "availability_note",
    "request_limit",
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


def skill_named(name: str) -> Skill | None:
    """The vocabulary skill called `name`, or with `name` as an alias (case-insensitive)."""
    clean = " ".join(name.split())
    skill = Skill.objects.filter(name__iexact=clean).first()
    if skill is None:
        alias = SkillAlias.objects.filter(name__iexact=clean).select_related("skill").first()
        skill = alias.skill if alias else None
    return skill


def find_or_create_skill(name: str) -> Skill:
    """Return the vocabulary skill named `name` or aliased so (case-insensitive),
    adding it if new."""
    clean = " ".join(name.split())
    if not clean or len(clean) > 80:
        raise ValidationError({"skills": [_("A skill name has 1 to 80 characters.")]})
    return skill_named(clean) or Skill.objects.create(name=clean)


def _vocabulary_name(value: str, *, field: str, exclude_skill: int | None = None) -> str:
    """`value` cleaned, if no other skill or alias uses it; else ValidationError on `field`."""
    clean = " ".join((value or "").split())
    if not clean or len(clean) > 80:
        raise ValidationError({field: [_("A skill name has 1 to 80 characters.")]})
    taken = skill_named(clean)
    if taken is not None and taken.pk != exclude_skill:
        raise ValidationError(
            {
                field: [
                    _("“%(name)s” already names the skill %(skill)s.")
                    % {"name": clean, "skill": taken.name}
                ]
            }
        )
    return clean


TOO_MANY_SKILLS = gettext_lazy("Tag at most %(n)d skills.")
UNKNOWN_SKILL = gettext_lazy("Choose skills from the list.")


def skill_tags(skills: Sequence[Skill | int], *, limit: int) -> list[Skill]:
    """The Skill rows of `skills` (Skill objects or ids), each once, in the given order:
    the tags of a thread or a space.

    Raise ValidationError on ``skills`` for more than `limit` or an unknown id.
    """
    ids: list[int] = []
    for item in skills:
        pk = item.pk if isinstance(item, Skill) else item
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise ValidationError({"skills": [UNKNOWN_SKILL]})
        if pk not in ids:
            ids.append(pk)
    if len(ids) > limit:
        raise ValidationError({"skills": [TOO_MANY_SKILLS % {"n": limit}]})
    if not ids:
        return []
    found = Skill.objects.in_bulk(ids)
    if len(found) != len(ids):
        raise ValidationError({"skills": [UNKNOWN_SKILL]})
    return [found[pk] for pk in ids]


@transaction.atomic
def rename_skill(*, actor: User, skill: Skill, name: str) -> Skill:
    """Give `skill` a new name (admins only); the old name stays as an alias."""
    if not can_administer(actor):
        raise PermissionDenied(ADMINS_ONLY)
    clean = _vocabulary_name(name, field="name", exclude_skill=skill.pk)
    old = skill.name
    if clean == old:
        return skill
    SkillAlias.objects.filter(skill=skill, name__iexact=clean).delete()
    skill.name = clean
    skill.save(update_fields=["name"])
    if old.casefold() != clean.casefold():
        SkillAlias.objects.create(skill=skill, name=old)
    record(actor=actor, verb="skill.renamed", obj=skill, old=old, new=clean)
    return skill


@transaction.atomic
def set_skill_parent(*, actor: User, skill: Skill, parent: Skill | None) -> Skill:
    """Place `skill` under `parent` (or at the top); never under itself or a descendant."""
    if not can_administer(actor):
        raise PermissionDenied(ADMINS_ONLY)
    ancestor = parent
    while ancestor is not None:
        if ancestor.pk == skill.pk:
            raise ValidationError({"parent": [_("A skill cannot sit under itself.")]})
        ancestor = ancestor.parent
    skill.parent = parent
    skill.save(update_fields=["parent"])
    record(actor=actor, verb="skill.moved", obj=skill, parent_id=parent.pk if parent else None)
    return skill


@transaction.atomic
def add_skill_alias(*, actor: User, skill: Skill, name: str) -> SkillAlias:
    """Let `name` find `skill` ("k8s" → Kubernetes); admins only."""
    if not can_administer(actor):
        raise PermissionDenied(ADMINS_ONLY)
    clean = _vocabulary_name(name, field="alias")
    alias = SkillAlias.objects.create(skill=skill, name=clean)
    record(actor=actor, verb="skill.alias_added", obj=skill, alias=clean)
    return alias


@transaction.atomic
def remove_skill_alias(*, actor: User, alias: SkillAlias) -> None:
    if not can_administer(actor):
        raise PermissionDenied(ADMINS_ONLY)
    alias.delete()
    record(actor=actor, verb="skill.alias_removed", obj=alias.skill, alias=alias.name)


def _unique_keys(model: type[models.Model], field_name: str) -> list[tuple[str, ...]]:
    """The other fields of each unique set on `model` that includes `field_name`."""
    sets = [tuple(fields) for fields in model._meta.unique_together]
    sets += [c.fields for c in model._meta.total_unique_constraints]
    return [tuple(f for f in fields if f != field_name) for fields in sets if field_name in fields]


def _repoint(model: type[models.Model], field_name: str, keep: Skill, others: list[Skill]) -> None:
    """Point `model.field_name` from `others` to `keep`, dropping rows that would clash."""
    column = model._meta.get_field(field_name).attname
    for key in _unique_keys(model, field_name):
        rows = model._default_manager.filter(
            **{f"{column}__in": [keep.pk] + [o.pk for o in others]}
        )
        seen: set[tuple] = set()
        doomed = []
        # Rows on the kept skill win; among the merged ones, the first seen.
        for _pk, skill_id, *values in rows.values_list("pk", column, *key).order_by("pk"):
            if skill_id == keep.pk:
                seen.add(tuple(values))
        for pk, skill_id, *values in rows.values_list("pk", column, *key).order_by("pk"):
            if skill_id != keep.pk:
                if tuple(values) in seen:
                    doomed.append(pk)
                seen.add(tuple(values))
        model._default_manager.filter(pk__in=doomed).delete()
    model._default_manager.filter(**{f"{column}__in": [o.pk for o in others]}).update(
        **{column: keep.pk}
    )


@transaction.atomic
def merge_skills(*, actor: User, keep: Skill, others: list[Skill]) -> Skill:
    """Fold `others` into `keep`: every reference moves, their names become aliases.

    Every table that points at a skill (claims, endorsements, expertise,
    thread and space tags, aliases, child skills) is repointed; where a
    person or post then has the skill twice, the row already on `keep`
    stays. Admins only; records ``skill.merged``.
    """
    if not can_administer(actor):
        raise PermissionDenied(ADMINS_ONLY)
    others = [other for other in others if other.pk != keep.pk]
    if not others:
        raise ValidationError({"skills": [_("Choose at least one other skill to merge.")]})
    # Every reverse relation is named (none is "+"), so this finds them all.
    for relation in Skill._meta.related_objects:
        if relation.many_to_many:
            through = relation.through
            _repoint(through, relation.field.m2m_reverse_field_name(), keep, others)
        elif relation.related_model is Skill:
            Skill.objects.filter(parent__in=others).exclude(pk=keep.pk).update(parent=keep)
        else:
            _repoint(relation.related_model, relation.field.name, keep, others)
    names = [other.name for other in others]
    if keep.parent_id in {other.pk for other in others}:
        keep.parent = None
        keep.save(update_fields=["parent"])
    Skill.objects.filter(pk__in=[other.pk for other in others]).delete()
    existing = {
        a.casefold() for a in SkillAlias.objects.filter(skill=keep).values_list("name", flat=True)
    }
    SkillAlias.objects.bulk_create(
        [SkillAlias(skill=keep, name=name) for name in names if name.casefold() not in existing]
    )
    record(actor=actor, verb="skill.merged", obj=keep, merged=names)
    return keep


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
