"""People endpoints: me, my profile and skills, the directory, one person."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from agora.accounts import actions
from agora.accounts.models import User
from agora.accounts.permissions import CONTACT_FIELDS, access_person, visible_contact_fields
from agora.accounts.queries import mention_candidates, people_directory, person_skills
from agora.accounts.schemas import (
    MentionFilter,
    MeOut,
    PeopleFilter,
    PersonOut,
    PersonSummaryOut,
    ProfilePatch,
    SkillClaimOut,
    SkillsIn,
)
from agora.api.pagination import Pages
from agora.api.schemas import PathId
from agora.spaces.permissions import spaces_visible_to

router = Router(tags=["people"])


def summary(person: User) -> dict:
    profile = person.profile
    return {
        "id": person.pk,
        "name": person.name,
        "handle": person.handle,
        "title": profile.title,
        "department": profile.department,
        "location": profile.location,
        "photo_url": profile.photo.url if profile.photo else None,
        "open_to_questions": profile.open_to_questions,
        "url": person.get_absolute_url(),
    }


def skills_out(person: User) -> list[dict]:
    return [
        {"skill": c.skill.name, "slug": c.skill.slug, "level": c.level, "years": c.years}
        for c in person_skills(person=person)
    ]


def detail(viewer: User, person: User) -> dict:
    profile = person.profile
    visible = visible_contact_fields(viewer, person, profile)
    contact = {}
    if "email" in visible:
        contact["email"] = person.email
    if "phone" in visible and profile.phone:
        contact["phone"] = profile.phone
    if "chat_handle" in visible and profile.chat_handle:
        contact["chat_handle"] = profile.chat_handle
    if "links" in visible:
        for name in ("linkedin_url", "x_url", "github_url", "website_url"):
            if getattr(profile, name):
                contact[name] = getattr(profile, name)
    return {
        **summary(person),
        "org_role": person.org_role,
        "time_zone": person.time_zone,
        "bio": profile.bio,
        "bio_html": profile.bio_html,
        "interests": profile.interest_list,
        "skills": skills_out(person),
        "contact": contact,
    }


def me_out(user: User) -> dict:
    profile = user.profile
    data = detail(user, user)
    data.update(
        email=user.email,
        language=user.language,
        **{attr: getattr(profile, attr) for attr in CONTACT_FIELDS.values()},
    )
    return data


@router.get("/me", response=MeOut, url_name="me")
def me(request: HttpRequest):
    """The signed-in person, with every field of their own profile."""
    return me_out(User.objects.select_related("profile").get(pk=request.user.pk))


@router.patch("/me/profile", response=MeOut, url_name="me_profile")
def update_my_profile(request: HttpRequest, data: ProfilePatch):
    """Change fields of my profile; fields left out stay as they are."""
    changes = data.model_dump(exclude_unset=True)
    actions.update_profile(editor=request.user, person=request.user, **changes)
    return me_out(User.objects.select_related("profile").get(pk=request.user.pk))


@router.put("/me/skills", response=list[SkillClaimOut], url_name="me_skills")
def replace_my_skills(request: HttpRequest, data: SkillsIn):
    """Replace my skills; names not yet in the vocabulary are added to it."""
    names = [" ".join(item.skill.split()).lower() for item in data.skills]
    if len(names) != len(set(names)):
        raise ValidationError({"skills": ["Each skill may be listed once."]})
    actions.set_skills(
        editor=request.user, person=request.user, claims=[item.model_dump() for item in data.skills]
    )
    return skills_out(request.user)


@router.get("/people", response=list[PersonSummaryOut], url_name="people")
@paginate(Pages, page_size=20)
def list_people(request: HttpRequest, filters: Query[PeopleFilter]):
    """People I may see, sorted by name."""
    return people_directory(
        viewer=request.user,
        query=filters.q,
        department=filters.department,
        location=filters.location,
    )


@router.get("/people/mentions", response=list[PersonSummaryOut], url_name="people_mentions")
def list_mention_candidates(request: HttpRequest, filters: Query[MentionFilter]):
    """Up to eight people to @mention whose handle or name starts with `q`.

    With `space_id`, that space's members come first.
    """
    space = None
    if filters.space_id is not None:
        space = spaces_visible_to(request.user).filter(pk=filters.space_id).first()
    return mention_candidates(viewer=request.user, query=filters.q, space=space)


@router.get("/people/{user_id}", response=PersonOut, url_name="person")
def get_person(request: HttpRequest, user_id: PathId):
    """One person, with the contact fields I may see."""
    return detail(request.user, access_person(request.user, user_id))
