"""Every write to spaces, memberships, invitations and join requests.

Each action checks permission, validates, saves and records its event in one
transaction. A space always keeps at least one facilitator: the actions that
could remove the last one lock the space row and refuse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agora.accounts.actions import skill_tags
from agora.accounts.models import Skill, User
from agora.core.events import record
from agora.core.markdown import render_markdown
from agora.spaces.models import Invitation, JoinRequest, Membership, Space
from agora.spaces.permissions import (
    can_create_space,
    can_join,
    can_manage,
    can_request_to_join,
    can_see,
    forget_roles,
    role_in,
)

CANNOT_CREATE = gettext_lazy("You may not create this kind of space.")
CANNOT_MANAGE = gettext_lazy("Only the space's facilitators may do this.")
CANNOT_JOIN = gettext_lazy("You cannot join this space.")
CANNOT_REQUEST = gettext_lazy("You cannot ask to join this space.")
LAST_FACILITATOR = gettext_lazy("A space needs at least one facilitator: name another one first.")
NOT_A_MEMBER = gettext_lazy("This person is not a member of the space.")
ALREADY_MEMBER = gettext_lazy("Already a member of this space.")
ARCHIVED = gettext_lazy("This space is archived.")
INVITATION_NOT_YOURS = gettext_lazy("This invitation was sent to another address.")
INVITATION_CLOSED = gettext_lazy("This invitation is no longer open.")
ALREADY_INVITED = gettext_lazy("This person already has a pending invitation.")
ALREADY_REQUESTED = gettext_lazy("You have already asked to join; the facilitators will decide.")
REQUEST_CLOSED = gettext_lazy("This request has already been decided.")
SPACE_FIELDS = {"name", "slug", "description", "kind", "visibility", "status", "parent"}
# Skill tags: facilitating a tagged space is evidence of the skill (experts.scoring).
MAX_SPACE_SKILLS = 8


def _snapshot(space: Space) -> dict[str, Any]:
    """Names kept in event data so feeds need no joins to describe the event."""
    return {"space_name": space.name, "space_slug": space.slug}


def unique_slug(name: str) -> str:
    base = slugify(name)[:70].strip("-") or "space"
    slug, n = base, 2
    while Space.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_parent(actor: User, parent: Space | None, space: Space | None) -> None:
    if parent is None:
        return
    if not can_see(actor, parent):
        raise ValidationError({"parent": [_("Choose a space you can see.")]})
    node: Space | None = parent
    while node is not None:
        if space is not None and node.pk == space.pk:
            raise ValidationError({"parent": [_("A space cannot sit inside itself.")]})
        node = node.parent


def _clean_description(space: Space) -> None:
    # A TextField's max_length binds only forms; the API comes here directly.
    try:
        MaxLengthValidator(Space._meta.get_field("description").max_length)(space.description)
    except ValidationError as error:
        raise ValidationError({"description": error.messages}) from error


def _add_member(space: Space, user: User, role: str) -> Membership:
    try:
        with transaction.atomic():
            membership = Membership.objects.create(space=space, user=user, role=role)
    except IntegrityError as error:
        raise ValidationError(ALREADY_MEMBER, code="already_member") from error
    Space.objects.filter(pk=space.pk).update(member_count=F("member_count") + 1)
    space.member_count += 1
    forget_roles(user)
    return membership


def _lock(space: Space) -> Space:
    return Space.objects.select_for_update().get(pk=space.pk)


def _other_facilitators(space: Space, user: User) -> bool:
    return (
        Membership.objects.filter(space=space, role=Membership.Role.FACILITATOR)
        .exclude(user=user)
        .exists()
    )


@transaction.atomic
def create_space(
    *,
    creator: User,
    name: str,
    kind: str = Space.Kind.COMMUNITY,
    visibility: str = Space.Visibility.OPEN,
    description: str = "",
    slug: str = "",
    parent: Space | None = None,
    skills: Sequence[Skill | int] = (),
) -> Space:
    """Create a space with `creator` as its first facilitator, tagged with `skills`;
    record ``space.created``."""
    if not can_create_space(creator, kind):
        raise PermissionDenied(CANNOT_CREATE)
    name = " ".join((name or "").split())
    space = Space(
        name=name,
        slug=slug or unique_slug(name),
        kind=kind,
        visibility=visibility,
        description=description,
        parent=parent,
        created_by=creator,
    )
    _clean_parent(creator, parent, None)
    _clean_description(space)
    space.full_clean()
    tags = skill_tags(skills, limit=MAX_SPACE_SKILLS)
    space.description_html = render_markdown(space.description)
    space.save()
    space.skills.set(tags)
    _add_member(space, creator, Membership.Role.FACILITATOR)
    record(
        actor=creator,
        verb="space.created",
        obj=space,
        space=space,
        **({"skills": [skill.slug for skill in tags]} if tags else {}),
        **_snapshot(space),
    )
    return space


@transaction.atomic
def update_space(*, actor: User, space: Space, **changes: Any) -> Space:
    """Change a space's settings (name, slug, description, kind, visibility, status,
    parent) and skill tags (`skills`: Skill objects or ids, replacing the tags).

    Record ``space.updated`` whose ``fields`` name what was sent, and "skills"
    only when the tags changed (facilitators' expertise follows them).
    """
    if not can_manage(actor, space):
        raise PermissionDenied(CANNOT_MANAGE)
    skills_sent = "skills" in changes
    tags = skill_tags(changes.pop("skills") or [], limit=MAX_SPACE_SKILLS) if skills_sent else []
    unknown = set(changes) - SPACE_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    nulls = sorted(name for name, value in changes.items() if value is None and name != "parent")
    if nulls:
        raise ValidationError({name: _("This field may not be empty.") for name in nulls})
    if (
        "kind" in changes
        and changes["kind"] != space.kind
        and not can_create_space(actor, changes["kind"])
    ):
        raise ValidationError({"kind": [CANNOT_CREATE]})
    if "parent" in changes:
        _clean_parent(actor, changes["parent"], space)
    old_status = space.status
    for name, value in changes.items():
        setattr(space, name, value)
    if "name" in changes:
        space.name = " ".join((space.name or "").split())
    _clean_description(space)
    space.full_clean()
    space.description_html = render_markdown(space.description)
    # Only the settings: member_count and last_activity_at move under other
    # writers, and this instance may be older than them.
    space.save(update_fields=[*sorted(SPACE_FIELDS), "description_html"])
    fields = set(changes) - {"status"}
    if skills_sent and {s.pk for s in tags} != set(space.skills.values_list("pk", flat=True)):
        space.skills.set(tags)
        fields.add("skills")
    if space.status != old_status:
        verb = "space.archived" if space.is_archived else "space.restored"
        record(actor=actor, verb=verb, obj=space, space=space, **_snapshot(space))
    if fields:
        extra = {"skills": [skill.slug for skill in tags]} if "skills" in fields else {}
        record(
            actor=actor,
            verb="space.updated",
            obj=space,
            space=space,
            fields=sorted(fields),
            **extra,
            **_snapshot(space),
        )
    return space


@transaction.atomic
def join_space(*, user: User, space: Space) -> Membership:
    """Join an open space as a member; record ``space.joined``."""
    if role_in(user, space) is not None:
        raise ValidationError(ALREADY_MEMBER, code="already_member")
    if not can_join(user, space):
        raise PermissionDenied(CANNOT_JOIN)
    membership = _add_member(space, user, Membership.Role.MEMBER)
    record(actor=user, verb="space.joined", obj=membership, space=space, **_snapshot(space))
    return membership


@transaction.atomic
def add_member(
    *, actor: User, space: Space, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Put `user` straight into `space` with `role`, no invitation; record ``member.added``.

    For spaces an action makes for known people (an expert request's private
    conversation); people joining by their own choice use invitations.
    """
    if not can_manage(actor, space):
        raise PermissionDenied(CANNOT_MANAGE)
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose facilitator, member or guest.")]})
    membership = _add_member(space, user, role)
    record(
        actor=actor,
        verb="member.added",
        obj=membership,
        space=space,
        user_id=user.pk,
        role=role,
        **_snapshot(space),
    )
    return membership


@transaction.atomic
def leave_space(*, user: User, space: Space) -> None:
    """Leave `space`; the last facilitator may not. Record ``space.left``."""
    _lock(space)
    membership = Membership.objects.filter(space=space, user=user).first()
    if membership is None:
        raise ValidationError(NOT_A_MEMBER, code="not_member")
    if membership.role == Membership.Role.FACILITATOR and not _other_facilitators(space, user):
        raise ValidationError(LAST_FACILITATOR, code="last_facilitator")
    membership.delete()
    Space.objects.filter(pk=space.pk).update(member_count=F("member_count") - 1)
    forget_roles(user)
    record(actor=user, verb="space.left", obj=space, space=space, **_snapshot(space))


@transaction.atomic
def remove_member(*, actor: User, space: Space, user: User) -> None:
    """Remove `user` from `space`; managers only, never the last facilitator."""
    if not can_manage(actor, space):
        raise PermissionDenied(CANNOT_MANAGE)
    _lock(space)
    membership = Membership.objects.filter(space=space, user=user).first()
    if membership is None:
        raise ValidationError(NOT_A_MEMBER, code="not_member")
    if membership.role == Membership.Role.FACILITATOR and not _other_facilitators(space, user):
        raise ValidationError(LAST_FACILITATOR, code="last_facilitator")
    membership.delete()
    Space.objects.filter(pk=space.pk).update(member_count=F("member_count") - 1)
    forget_roles(user)
    record(
        actor=actor,
        verb="member.removed",
        obj=space,
        space=space,
        user_id=user.pk,
        user_name=user.name,
        **_snapshot(space),
    )


@transaction.atomic
def change_role(*, actor: User, space: Space, user: User, role: str) -> Membership:
    """Give `user` the space `role`; managers only, keeping one facilitator."""
    if not can_manage(actor, space):
        raise PermissionDenied(CANNOT_MANAGE)
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose facilitator, member or guest.")]})
    _lock(space)
    membership = Membership.objects.filter(space=space, user=user).first()
    if membership is None:
        raise ValidationError(NOT_A_MEMBER, code="not_member")
    if (
        membership.role == Membership.Role.FACILITATOR
        and role != Membership.Role.FACILITATOR
        and not _other_facilitators(space, user)
    ):
        raise ValidationError({"role": [LAST_FACILITATOR]})
    if membership.role != role:
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        forget_roles(user)
        record(
            actor=actor,
            verb="member.role_changed",
            obj=membership,
            space=space,
            user_id=user.pk,
            user_name=user.name,
            old=old,
            new=role,
            **_snapshot(space),
        )
    return membership


@transaction.atomic
def invite(
    *,
    actor: User,
    space: Space,
    email: str = "",
    user: User | None = None,
    role: str = Membership.Role.MEMBER,
    message: str = "",
) -> Invitation:
    """Invite a person (by account or email) into `space`; record ``invitation.sent``.

    The invitation email goes out from a listener, after commit.
    """
    if not can_manage(actor, space):
        raise PermissionDenied(CANNOT_MANAGE)
    if space.is_archived:
        raise ValidationError(ARCHIVED, code="archived")
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Choose facilitator, member or guest.")]})
    if user is not None:
        email = user.email
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": [_("Enter a valid email address.")]}) from error
    if len(message) > 500:
        raise ValidationError({"message": [_("Keep the message under 500 characters.")]})
    invitee = user or User.objects.filter(email__iexact=email, is_active=True).first()
    if invitee is not None and role_in(invitee, space) is not None:
        raise ValidationError({"email": [ALREADY_MEMBER]})
    if Invitation.objects.filter(
        space=space, email=email, status=Invitation.Status.PENDING
    ).exists():
        raise ValidationError({"email": [ALREADY_INVITED]})
    try:
        # The check above is for the message; the unique constraint settles a race.
        with transaction.atomic():
            invitation = Invitation.objects.create(
                space=space,
                email=email,
                invitee=invitee,
                invited_by=actor,
                role=role,
                message=message,
            )
    except IntegrityError as error:
        raise ValidationError({"email": [ALREADY_INVITED]}) from error
    record(
        actor=actor,
        verb="invitation.sent",
        obj=invitation,
        space=space,
        email=email,
        invitee_id=invitee.pk if invitee else None,
        **_snapshot(space),
    )
    return invitation


def _lock_invitation(invitation: Invitation) -> Invitation:
    """Re-read `invitation` under a row lock: the caller's copy may be stale."""
    return Invitation.objects.select_for_update().select_related("space").get(pk=invitation.pk)


def invitation_is_for(invitation: Invitation, user: User) -> bool:
    return invitation.invitee_id == user.pk or invitation.email.lower() == user.email.lower()


@transaction.atomic
def accept_invitation(*, user: User, invitation: Invitation) -> Membership:
    """Join the invitation's space with its role; record ``space.joined``."""
    invitation = _lock_invitation(invitation)
    if not invitation_is_for(invitation, user):
        raise PermissionDenied(INVITATION_NOT_YOURS)
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(INVITATION_CLOSED, code="closed")
    space = invitation.space
    if space.is_archived:
        raise ValidationError(ARCHIVED, code="archived")
    invitation.status = Invitation.Status.ACCEPTED
    invitation.invitee = user
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "invitee", "responded_at"])
    membership = _add_member(space, user, invitation.role)
    record(
        actor=user,
        verb="space.joined",
        obj=membership,
        space=space,
        via="invitation",
        **_snapshot(space),
    )
    return membership


def _close_invitation(
    invitation: Invitation, *, status: str, actor: User, verb: str, **data: Any
) -> Invitation:
    """Close a locked, pending invitation with `status` and record `verb`."""
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(INVITATION_CLOSED, code="closed")
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    space = invitation.space
    record(actor=actor, verb=verb, obj=invitation, space=space, **data, **_snapshot(space))
    return invitation


@transaction.atomic
def decline_invitation(*, user: User, invitation: Invitation) -> Invitation:
    """Decline an invitation sent to `user`; record ``invitation.declined``."""
    invitation = _lock_invitation(invitation)
    if not invitation_is_for(invitation, user):
        raise PermissionDenied(INVITATION_NOT_YOURS)
    return _close_invitation(
        invitation, status=Invitation.Status.DECLINED, actor=user, verb="invitation.declined"
    )


@transaction.atomic
def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation; managers only. Record ``invitation.revoked``."""
    invitation = _lock_invitation(invitation)
    if not can_manage(actor, invitation.space):
        raise PermissionDenied(CANNOT_MANAGE)
    return _close_invitation(
        invitation,
        status=Invitation.Status.REVOKED,
        actor=actor,
        verb="invitation.revoked",
        email=invitation.email,
    )


@transaction.atomic
def request_to_join(*, user: User, space: Space, message: str = "") -> JoinRequest:
    """Ask to join a private space; its facilitators decide. Record ``join.requested``."""
    if not can_request_to_join(user, space):
        raise PermissionDenied(CANNOT_REQUEST)
    if len(message) > 500:
        raise ValidationError({"message": [_("Keep the message under 500 characters.")]})
    if JoinRequest.objects.filter(
        space=space, user=user, status=JoinRequest.Status.PENDING
    ).exists():
        raise ValidationError(ALREADY_REQUESTED)
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(space=space, user=user, message=message)
    except IntegrityError as error:
        raise ValidationError(ALREADY_REQUESTED) from error
    record(actor=user, verb="join.requested", obj=join_request, space=space, **_snapshot(space))
    return join_request


@transaction.atomic
def decide_join_request(*, actor: User, join_request: JoinRequest, approve: bool) -> JoinRequest:
    """Approve (adding the member) or decline a pending request; managers only."""
    space = join_request.space
    if not can_manage(actor, space):
        raise PermissionDenied(CANNOT_MANAGE)
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(REQUEST_CLOSED, code="closed")
    if approve and space.is_archived:
        raise ValidationError(ARCHIVED, code="archived")
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        membership = _add_member(space, join_request.user, Membership.Role.MEMBER)
        record(
            actor=join_request.user,
            verb="space.joined",
            obj=membership,
            space=space,
            via="request",
            approved_by=actor.name,
            **_snapshot(space),
        )
    else:
        record(
            actor=actor,
            verb="join.declined",
            obj=join_request,
            space=space,
            user_id=join_request.user_id,
            **_snapshot(space),
        )
    return join_request


@transaction.atomic
def cancel_join_request(*, user: User, join_request: JoinRequest) -> JoinRequest:
    """Withdraw one's own pending request; record ``join.cancelled``."""
    join_request = (
        JoinRequest.objects.select_for_update().select_related("space").get(pk=join_request.pk)
    )
    if join_request.user_id != user.pk:
        raise PermissionDenied(_("This is not your request."))
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(REQUEST_CLOSED, code="closed")
    join_request.status = JoinRequest.Status.CANCELLED
    join_request.save(update_fields=["status"])
    record(
        actor=user,
        verb="join.cancelled",
        obj=join_request,
        space=join_request.space,
        **_snapshot(join_request.space),
    )
    return join_request
