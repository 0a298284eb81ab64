"""Space endpoints: directory, create, update, join, leave, members, invitations, activity."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from agora.accounts.permissions import access_person
from agora.api.pagination import Pages
from agora.api.schemas import ErrorOut, PathId
from agora.spaces import actions
from agora.spaces.models import Invitation, Membership, Space
from agora.spaces.permissions import access_space_by_id, can_manage, can_view_content
from agora.spaces.queries import (
    home_feed,
    pending_invitations_for,
    person_feed,
    space_directory,
    space_feed,
    space_join_requests,
    space_members,
)
from agora.spaces.schemas import (
    DecisionIn,
    EventOut,
    InvitationIn,
    InvitationOut,
    JoinRequestIn,
    JoinRequestOut,
    MemberOut,
    RoleIn,
    SpaceFilter,
    SpaceIn,
    SpaceOut,
    SpacePatch,
)

router = Router(tags=["spaces"])


def _readable(request: HttpRequest, space_id: int) -> Space:
    space = access_space_by_id(request.user, space_id)
    if not can_view_content(request.user, space):
        raise PermissionDenied("Join this space to see its content.")
    return space


def _parent(request: HttpRequest, parent_id: int | None) -> Space | None:
    if parent_id is None:
        return None
    try:
        return access_space_by_id(request.user, parent_id)
    except Http404 as error:
        raise ValidationError({"parent_id": ["No such space."]}) from error


def _membership(space: Space, user_id: int) -> Membership:
    """Return `user_id`'s membership of `space`, with what MemberOut shows; else 404."""
    membership = space_members(space=space).filter(user_id=user_id).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


def _with_api_names(error: ValidationError) -> ValidationError:
    """Name the action's `parent` errors after the API's `parent_id` field."""
    if not hasattr(error, "error_dict") or "parent" not in error.error_dict:
        return error
    return ValidationError(
        {("parent_id" if name == "parent" else name): e for name, e in error.error_dict.items()}
    )


@router.get("/spaces", response=list[SpaceOut], url_name="spaces")
@paginate(Pages, page_size=20)
def list_spaces(request: HttpRequest, filters: Query[SpaceFilter]):
    """Spaces I may see: all active ones, or mine (archived included)."""
    return space_directory(
        viewer=request.user, scope=filters.scope, kind=filters.kind or "", query=filters.q
    ).prefetch_related("skills")


@router.post("/spaces", response={201: SpaceOut}, url_name="space_create")
def create_space(request: HttpRequest, data: SpaceIn):
    """Start a space; I become its first facilitator."""
    fields = data.model_dump(exclude={"parent_id"})
    parent = _parent(request, data.parent_id)
    try:
        space = actions.create_space(creator=request.user, parent=parent, **fields)
    except ValidationError as error:
        raise _with_api_names(error) from None
    return Status(201, space)


@router.get("/spaces/{space_id}", response=SpaceOut, url_name="space")
def get_space(request: HttpRequest, space_id: PathId):
    """One space I may see."""
    return access_space_by_id(request.user, space_id)


@router.patch("/spaces/{space_id}", response=SpaceOut, url_name="space_update")
def update_space(request: HttpRequest, space_id: PathId, data: SpacePatch):
    """Change a space's settings (facilitators and admins)."""
    space = access_space_by_id(request.user, space_id)
    changes = data.model_dump(exclude_unset=True)
    if "parent_id" in changes:
        changes["parent"] = _parent(request, changes.pop("parent_id"))
    try:
        return actions.update_space(actor=request.user, space=space, **changes)
    except ValidationError as error:
        raise _with_api_names(error) from None


@router.post("/spaces/{space_id}/join", response={201: MemberOut}, url_name="space_join")
def join_space(request: HttpRequest, space_id: PathId):
    """Join an open space as a member."""
    space = access_space_by_id(request.user, space_id)
    actions.join_space(user=request.user, space=space)
    return Status(201, _membership(space, request.user.pk))


@router.post("/spaces/{space_id}/leave", response={204: None}, url_name="space_leave")
def leave_space(request: HttpRequest, space_id: PathId):
    """Leave a space; its last facilitator may not."""
    space = access_space_by_id(request.user, space_id)
    actions.leave_space(user=request.user, space=space)
    return Status(204, None)


@router.get(
    "/spaces/{space_id}/members",
    response={200: list[MemberOut], 403: ErrorOut},
    url_name="space_members",
)
@paginate(Pages, page_size=50)
def list_members(request: HttpRequest, space_id: PathId):
    """Members, facilitators first."""
    return space_members(space=_readable(request, space_id))


@router.patch("/spaces/{space_id}/members/{user_id}", response=MemberOut, url_name="member_role")
def change_role(request: HttpRequest, space_id: PathId, user_id: PathId, data: RoleIn):
    """Give a member another role (facilitators and admins); one facilitator always remains."""
    space = access_space_by_id(request.user, space_id)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    person = _membership(space, user_id).user
    actions.change_role(actor=request.user, space=space, user=person, role=data.role)
    return _membership(space, user_id)


@router.delete(
    "/spaces/{space_id}/members/{user_id}", response={204: None}, url_name="member_remove"
)
def remove_member(request: HttpRequest, space_id: PathId, user_id: PathId):
    """Remove a member (facilitators and admins); never the last facilitator."""
    space = access_space_by_id(request.user, space_id)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    person = _membership(space, user_id).user
    actions.remove_member(actor=request.user, space=space, user=person)
    return Status(204, None)


@router.post(
    "/spaces/{space_id}/invitations", response={201: InvitationOut}, url_name="space_invite"
)
def invite(request: HttpRequest, space_id: PathId, data: InvitationIn):
    """Invite someone by account (user_id) or by email."""
    space = access_space_by_id(request.user, space_id)
    user = None
    if data.user_id is not None:
        try:
            user = access_person(request.user, data.user_id)
        except Http404 as error:
            raise ValidationError({"user_id": ["No such person."]}) from error
    elif not data.email:
        raise ValidationError({"email": ["Give an email address or a user_id."]})
    invitation = actions.invite(
        actor=request.user,
        space=space,
        email=data.email,
        user=user,
        role=data.role,
        message=data.message,
    )
    return Status(201, invitation)


@router.get(
    "/spaces/{space_id}/join-requests",
    response={200: list[JoinRequestOut], 403: ErrorOut},
    url_name="space_join_requests",
)
@paginate(Pages, page_size=50)
def list_join_requests(request: HttpRequest, space_id: PathId):
    """Pending requests to join, oldest first (facilitators and admins)."""
    space = access_space_by_id(request.user, space_id)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    return space_join_requests(space=space)


@router.post(
    "/spaces/{space_id}/join-requests", response={201: JoinRequestOut}, url_name="space_request"
)
def request_to_join(request: HttpRequest, space_id: PathId, data: JoinRequestIn):
    """Ask to join a private space; its facilitators decide."""
    space = access_space_by_id(request.user, space_id)
    return Status(
        201, actions.request_to_join(user=request.user, space=space, message=data.message)
    )


@router.post(
    "/spaces/{space_id}/join-requests/{request_id}",
    response=JoinRequestOut,
    url_name="space_request_decide",
)
def decide_join_request(
    request: HttpRequest, space_id: PathId, request_id: PathId, data: DecisionIn
):
    """Approve (adding the member) or decline a pending request."""
    space = access_space_by_id(request.user, space_id)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    join_request = get_object_or_404(
        space.join_requests.select_related("space", "user"), pk=request_id
    )
    return actions.decide_join_request(
        actor=request.user, join_request=join_request, approve=data.approve
    )


@router.get(
    "/spaces/{space_id}/activity",
    response={200: list[EventOut], 403: ErrorOut},
    url_name="space_activity",
)
@paginate(Pages, page_size=20)
def space_activity(request: HttpRequest, space_id: PathId):
    """What happened in a space, newest first (members, or anyone for open spaces)."""
    return space_feed(space=_readable(request, space_id))


@router.get("/people/{user_id}/activity", response=list[EventOut], url_name="person_activity")
@paginate(Pages, page_size=20)
def person_activity(request: HttpRequest, user_id: PathId):
    """What a person did, in spaces I may read, newest first."""
    return person_feed(viewer=request.user, person=access_person(request.user, user_id))


@router.get("/activity", response=list[EventOut], url_name="activity")
@paginate(Pages, page_size=20)
def my_activity(request: HttpRequest):
    """What happened in my spaces, newest first."""
    return home_feed(viewer=request.user)


@router.get("/me/invitations", response=list[InvitationOut], url_name="my_invitations")
@paginate(Pages, page_size=20)
def my_invitations(request: HttpRequest):
    """Invitations waiting for my answer, newest first."""
    return pending_invitations_for(request.user)


def _my_invitation(request: HttpRequest, invitation_id: int) -> Invitation:
    invitation = pending_invitations_for(request.user).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


@router.post(
    "/me/invitations/{invitation_id}/accept",
    response={201: MemberOut},
    url_name="invitation_accept",
)
def accept_invitation(request: HttpRequest, invitation_id: PathId):
    """Accept an invitation: join its space with its role."""
    membership = actions.accept_invitation(
        user=request.user, invitation=_my_invitation(request, invitation_id)
    )
    return Status(201, _membership(membership.space, request.user.pk))


@router.post(
    "/me/invitations/{invitation_id}/decline", response={204: None}, url_name="invitation_decline"
)
def decline_invitation(request: HttpRequest, invitation_id: PathId):
    """Decline an invitation."""
    actions.decline_invitation(user=request.user, invitation=_my_invitation(request, invitation_id))
    return Status(204, None)
