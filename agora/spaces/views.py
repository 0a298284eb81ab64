"""Space pages: directory, home with feed, settings, members, invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts.adapters import INVITATION_SESSION_KEY
from agora.accounts.models import User
from agora.accounts.views import add_errors
from agora.core.pagination import paginate, paginate_feed
from agora.spaces import actions
from agora.spaces.forms import (
    InviteForm,
    JoinRequestForm,
    RoleForm,
    SpaceFilterForm,
    SpaceForm,
    SpaceStatusForm,
)
from agora.spaces.models import Invitation, JoinRequest, Membership, Space
from agora.spaces.permissions import (
    access_space,
    allowed_kinds,
    can_create_space,
    can_join,
    can_manage,
    can_post_in,
    can_request_to_join,
    can_view_content,
    has_pending_request,
    role_in,
)
from agora.spaces.queries import (
    child_spaces,
    pending_invitations_for,
    space_directory,
    space_feed,
    space_invitations,
    space_join_requests,
    space_members,
    space_skills,
)


def _messages_from(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def space_list(request: HttpRequest) -> HttpResponse:
    form = SpaceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    spaces = space_directory(
        viewer=request.user,
        scope=filters.get("scope") or "all",
        kind=filters.get("kind", ""),
        query=filters.get("q", ""),
    )
    page = paginate(request, spaces, per_page=20)
    context = {"form": form, "page": page, "can_create": can_create_space(request.user)}
    template = "spaces/space_list.html#space-results" if request.htmx else "spaces/space_list.html"
    return render(request, template, context)


@login_required
def space_create(request: HttpRequest) -> HttpResponse:
    if not allowed_kinds(request.user):
        raise PermissionDenied(actions.CANNOT_CREATE)
    form = SpaceForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            space = actions.create_space(creator=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_errors(
                form, error if isinstance(error, ValidationError) else ValidationError(str(error))
            )
        else:
            messages.success(
                request, _("“%(name)s” is ready. Invite people to it.") % {"name": space.name}
            )
            return redirect(space)
    return render(
        request,
        "spaces/space_form.html",
        {"form": form, "space": None},
        status=400 if form.errors else 200,
    )


def _space_context(request: HttpRequest, space: Space) -> dict:
    user = request.user
    role = role_in(user, space)
    return {
        "space": space,
        "role": role,
        "role_label": (
            space.facilitator_label
            if role == Membership.Role.FACILITATOR
            else dict(Membership.Role.choices).get(role, "")
        ),
        "can_view": can_view_content(user, space),
        "can_manage": can_manage(user, space),
        "can_post": can_post_in(user, space),
        "can_join": can_join(user, space),
        "can_request": can_request_to_join(user, space),
        "has_requested": role is None and has_pending_request(user, space),
        "invitation": (
            pending_invitations_for(user).filter(space=space).first() if role is None else None
        ),
    }


@login_required
def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    context = _space_context(request, space)
    if context["can_view"]:
        context["feed"] = paginate_feed(request, space_feed(space=space), per_page=20)
        context["members_preview"] = list(space_members(space=space)[:12])
        context["children"] = list(child_spaces(viewer=request.user, space=space)[:20])
    if request.htmx and request.GET.get("page"):
        return render(request, "spaces/space_detail.html#feed", context)
    context["request_form"] = JoinRequestForm()
    context["space_skills"] = space_skills(space=space)
    return render(request, "spaces/space_detail.html", context)


@login_required
def space_edit(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    form = SpaceForm(
        request.POST if request.method == "POST" else None, instance=space, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            space = actions.update_space(actor=request.user, space=space, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Space settings saved."))
            return redirect(space)
    if form.errors:
        # The form wrote the typed values onto `space`; the page shows the saved ones.
        space.refresh_from_db()
    return render(
        request,
        "spaces/space_form.html",
        {
            "form": form,
            "space": space,
            "status_form": SpaceStatusForm(initial={"status": space.status}),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def space_status(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    form = SpaceStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose active or archived."))
        return redirect("space_edit", slug=space.slug)
    actions.update_space(actor=request.user, space=space, status=form.cleaned_data["status"])
    messages.success(
        request,
        _("The space is archived.") if space.is_archived else _("The space is active again."),
    )
    return redirect(space)


@login_required
@require_POST
def space_join(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    try:
        actions.join_space(user=request.user, space=space)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Welcome to %(name)s!") % {"name": space.name})
    return redirect(space)


@login_required
@require_POST
def space_leave(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    try:
        actions.leave_space(user=request.user, space=space)
    except ValidationError as error:
        _messages_from(request, error)
        return redirect(space)
    messages.success(request, _("You left %(name)s.") % {"name": space.name})
    return redirect("space_list")


@login_required
@require_POST
def space_request(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        _messages_from(request, ValidationError(list(form.errors.get("message", []))))
        return redirect(space)
    try:
        actions.request_to_join(
            user=request.user, space=space, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("Your request is sent; the facilitators will decide."))
    return redirect(space)


@login_required
def space_members_page(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    context = _space_context(request, space)
    if not context["can_view"]:
        raise PermissionDenied(_("Join this space to see its members."))
    invite_form = (
        InviteForm(request.POST if request.method == "POST" else None)
        if context["can_manage"]
        else None
    )
    if request.method == "POST":
        if invite_form is None:
            raise PermissionDenied(actions.CANNOT_MANAGE)
        if invite_form.is_valid():
            try:
                invitation = actions.invite(
                    actor=request.user, space=space, **invite_form.cleaned_data
                )
            except ValidationError as error:
                add_errors(invite_form, error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("space_members", slug=space.slug)
    context.update(
        page=paginate(
            request, space_members(space=space, role=request.GET.get("role", "")), per_page=30
        ),
        invite_form=invite_form,
        role_choices=Membership.Role.choices,
    )
    if context["can_manage"]:
        context["invitations"] = list(space_invitations(space=space)[:100])
        context["join_requests"] = list(space_join_requests(space=space)[:100])
    return render(
        request,
        "spaces/space_members.html",
        context,
        status=400 if invite_form is not None and invite_form.errors else 200,
    )


def _member(space: Space, user_id: int) -> User:
    membership = get_object_or_404(
        Membership.objects.select_related("user"), space=space, user_id=user_id
    )
    return membership.user


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    person = _member(space, user_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            actions.change_role(
                actor=request.user, space=space, user=person, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            _messages_from(request, error)
        else:
            messages.success(request, _("%(name)s's role is changed.") % {"name": person.name})
    else:
        messages.error(request, _("Choose facilitator, member or guest."))
    return redirect("space_members", slug=space.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    person = _member(space, user_id)
    try:
        actions.remove_member(actor=request.user, space=space, user=person)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(request, _("%(name)s is no longer a member.") % {"name": person.name})
    return redirect("space_members", slug=space.slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    invitation = get_object_or_404(Invitation, pk=invitation_id, space=space)
    try:
        actions.revoke_invitation(actor=request.user, invitation=invitation)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        messages.success(
            request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
        )
    return redirect("space_members", slug=space.slug)


@login_required
@require_POST
def join_request_decide(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_manage(request.user, space):
        raise PermissionDenied(actions.CANNOT_MANAGE)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user", "space"), pk=request_id, space=space
    )
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        messages.error(request, _("Choose approve or decline."))
        return redirect("space_members", slug=space.slug)
    approve = decision == "approve"
    try:
        actions.decide_join_request(actor=request.user, join_request=join_request, approve=approve)
    except ValidationError as error:
        _messages_from(request, error)
    else:
        text = _("%(name)s is now a member.") if approve else _("%(name)s's request is declined.")
        messages.success(request, text % {"name": join_request.user.name})
    return redirect("space_members", slug=space.slug)


def invitation_detail(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation email links to: accept or decline, or sign up first."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("space", "invited_by"), token=token
    )
    if not request.user.is_authenticated:
        if invitation.status == Invitation.Status.PENDING:
            request.session[INVITATION_SESSION_KEY] = invitation.token
            if invitation.invitee_id is None:
                # The link proves the address: allauth skips verifying it again.
                from allauth.account.adapter import get_adapter

                get_adapter(request).stash_verified_email(request, invitation.email)
                return redirect(
                    reverse("account_signup") + "?next=" + invitation.get_absolute_url()
                )
        return redirect_to_login(invitation.get_absolute_url())
    if not actions.invitation_is_for(invitation, request.user):
        raise PermissionDenied(actions.INVITATION_NOT_YOURS)
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                actions.accept_invitation(user=request.user, invitation=invitation)
                request.session.pop(INVITATION_SESSION_KEY, None)
                messages.success(
                    request, _("Welcome to %(name)s!") % {"name": invitation.space.name}
                )
                return redirect(invitation.space)
            if decision == "decline":
                actions.decline_invitation(user=request.user, invitation=invitation)
                messages.info(request, _("You declined the invitation."))
                return redirect("home")
            messages.error(request, _("Choose accept or decline."))
        except ValidationError as error:
            _messages_from(request, error)
        status = 400
    return render(
        request, "spaces/invitation_detail.html", {"invitation": invitation}, status=status
    )
