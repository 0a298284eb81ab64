"""People pages: directory, profile, profile editing, API tokens, org settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agora.accounts import actions
from agora.accounts.forms import (
    AccountForm,
    OrgSettingsForm,
    PeopleFilterForm,
    PhotoForm,
    ProfileForm,
    SkillFormSet,
    TokenForm,
    skill_vocabulary,
)
from agora.accounts.models import AccessToken, OrgSettings, Profile
from agora.accounts.permissions import access_person, can_administer, visible_contact_fields
from agora.accounts.queries import (
    directory_facets,
    mention_candidates,
    people_directory,
    person_skills,
    tokens_of,
)
from agora.core.pagination import paginate, paginate_feed
from agora.experts.permissions import can_endorse
from agora.experts.queries import profile_skills
from agora.spaces.permissions import spaces_visible_to
from agora.spaces.queries import person_feed, person_spaces


def add_errors(form, error: ValidationError) -> None:
    """Put an action's ValidationError on `form`, by field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    facets = directory_facets(viewer=request.user)
    form = PeopleFilterForm(
        request.GET or None, departments=facets.departments, locations=facets.locations
    )
    filters = form.cleaned_data if form.is_valid() else {}
    people = people_directory(
        viewer=request.user,
        query=filters.get("q", ""),
        department=filters.get("department", ""),
        location=filters.get("location", ""),
    )
    page = paginate(request, people, per_page=24)
    template = (
        "accounts/people_list.html#people-results" if request.htmx else "accounts/people_list.html"
    )
    return render(request, template, {"form": form, "page": page})


@login_required
def mention_search(request: HttpRequest) -> HttpResponse:
    """People to @mention as one types: JSON for the text boxes' listbox.

    ``?q=ada&space=data-club``: up to eight people the viewer may see, members
    of that space (when the viewer may see it) first.
    """
    query = request.GET.get("q", "")[:40]
    slug = request.GET.get("space", "")[:100]
    space = spaces_visible_to(request.user).filter(slug=slug).first() if slug else None
    people = mention_candidates(viewer=request.user, query=query, space=space)
    return JsonResponse(
        {
            "people": [
                {
                    "id": person.pk,
                    "name": person.name,
                    "handle": person.handle,
                    "title": person.profile.title,
                    "url": person.get_absolute_url(),
                    "in_space": bool(person.in_space),
                }
                for person in people
            ]
        }
    )


@login_required
def person_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    person = access_person(request.user, user_id)
    try:
        profile = person.profile
    except Profile.DoesNotExist:
        # Accounts added in the Django admin have no profile until first edited.
        profile = Profile(user=person)
    contact = visible_contact_fields(request.user, person, profile)
    feed = paginate_feed(request, person_feed(viewer=request.user, person=person), per_page=15)
    context = {
        "person": person,
        "profile": profile,
        "contact": contact,
        "skills": profile_skills(viewer=request.user, person=person),
        "can_endorse": can_endorse(request.user, person),
        "memberships": person_spaces(viewer=request.user, person=person)[:50],
        "feed": feed,
        "is_me": person.pk == request.user.pk,
    }
    return render(request, "accounts/person_detail.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile, _created = Profile.objects.get_or_create(user=user)
    initial_skills = [
        {"skill": c.skill.name, "level": c.level, "years": c.years}
        for c in person_skills(person=user)
    ]
    if request.method == "POST":
        account_form = AccountForm(request.POST, instance=user, prefix="account")
        profile_form = ProfileForm(request.POST, instance=profile, prefix="profile")
        skill_formset = SkillFormSet(request.POST, prefix="skills")
        if account_form.is_valid() and profile_form.is_valid() and skill_formset.is_valid():
            changes = {**account_form.cleaned_data, **profile_form.cleaned_data}
            try:
                # One transaction: a refused skill list must not leave the profile saved.
                with transaction.atomic():
                    actions.update_profile(editor=user, person=user, **changes)
                    actions.set_skills(editor=user, person=user, claims=skill_formset.claims())
            except ValidationError as error:
                add_errors(profile_form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("person_detail", user_id=user.pk)
        # Django's ModelForm validation already put the values on `user`; reload
        # them so the header does not show unsaved names.
        user.refresh_from_db()
        status = 400
    else:
        status = 200
        account_form = AccountForm(instance=user, prefix="account")
        profile_form = ProfileForm(instance=profile, prefix="profile")
        skill_formset = SkillFormSet(initial=initial_skills, prefix="skills")
    context = {
        "account_form": account_form,
        "profile_form": profile_form,
        "skill_formset": skill_formset,
        "photo_form": PhotoForm(),
        "profile": profile,
        "vocabulary": skill_vocabulary(),
    }
    return render(request, "accounts/profile_edit.html", context, status=status)


@login_required
def photo_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    profile, _created = Profile.objects.get_or_create(user=user)
    form = PhotoForm(request.POST, request.FILES) if request.method == "POST" else PhotoForm()
    if request.method == "POST" and form.is_valid():
        upload = None if form.cleaned_data["remove"] else form.cleaned_data["photo"]
        try:
            actions.set_profile_photo(editor=user, person=user, upload=upload)
        except ValidationError as error:
            form.add_error("photo", error)
        else:
            messages.success(request, _("Your photo is updated."))
            return redirect("profile_edit")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/photo_edit.html", {"form": form, "profile": profile}, status=status
    )


NEW_TOKEN_SESSION_KEY = "agora_new_token"  # noqa: S105 (a session key name)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    # Post/redirect/get: the new secret rides in the session for exactly one
    # page view, so reloading neither shows it again nor makes a second token.
    new_key = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, key = actions.create_access_token(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = key
            return redirect("token_list")
    page = paginate(request, tokens_of(user=request.user), per_page=20)
    response = render(
        request,
        "accounts/token_list.html",
        {"form": form, "page": page, "new_key": new_key},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=token_id, user=request.user)
    actions.revoke_access_token(user=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("token_list")


@login_required
def org_settings(request: HttpRequest) -> HttpResponse:
    if not can_administer(request.user):
        raise PermissionDenied(actions.ADMINS_ONLY)
    org = OrgSettings.load()
    form = OrgSettingsForm(request.POST if request.method == "POST" else None, instance=org)
    if request.method == "POST" and form.is_valid():
        actions.set_signup_mode(actor=request.user, mode=form.cleaned_data["signup_mode"])
        messages.success(request, _("Organization settings saved."))
        return redirect("org_settings")
    return render(
        request, "accounts/org_settings.html", {"form": form}, status=400 if form.errors else 200
    )
