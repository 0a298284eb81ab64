import re
from datetime import datetime

from django.conf import settings
from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from agora.accounts.models import ContactVisibility, SkillClaim, User
from agora.api.schemas import MAX_ID, In, Omittable, choice

Visibility = choice(ContactVisibility)
Level = choice(SkillClaim.Level)
OrgRole = choice(User.OrgRole)
# "" means: the language the browser asks for.
LANGUAGE_PATTERN = (
    "^(" + "|".join(["", *(re.escape(code) for code, _ in settings.LANGUAGES)]) + ")$"
)


class SkillTagOut(Schema):
    """A skill a thread or a space is tagged with."""

    id: int
    name: str
    slug: str


class SkillClaimOut(Schema):
    skill: str
    slug: str
    level: Level
    years: int | None


class SkillClaimIn(In):
    skill: str = Field(min_length=1, max_length=80, pattern=r"\S")
    level: Level = SkillClaim.Level.PRACTITIONER
    years: StrictInt | None = Field(default=None, ge=0, le=70)


class SkillsIn(In):
    skills: list[SkillClaimIn] = Field(max_length=50)


class PeopleFilter(In):
    q: str = Field(default="", max_length=100, description="Part of a name.")
    department: str = Field(default="", max_length=120)
    location: str = Field(default="", max_length=120)


class MentionFilter(In):
    q: str = Field(min_length=1, max_length=40, description="The start of a handle or a name.")
    space_id: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="List this space's members first."
    )


class PersonFields(Schema):
    id: int
    name: str
    handle: str
    title: str
    department: str
    location: str
    photo_url: str | None
    open_to_questions: bool
    url: str


class PersonSummaryOut(PersonFields):
    """Read from a User with its profile selected (see `people_directory`)."""

    @staticmethod
    def resolve_title(obj: User) -> str:
        return obj.profile.title

    @staticmethod
    def resolve_department(obj: User) -> str:
        return obj.profile.department

    @staticmethod
    def resolve_location(obj: User) -> str:
        return obj.profile.location

    @staticmethod
    def resolve_photo_url(obj: User) -> str | None:
        return obj.profile.photo.url if obj.profile.photo else None

    @staticmethod
    def resolve_open_to_questions(obj: User) -> bool:
        return obj.profile.open_to_questions

    @staticmethod
    def resolve_url(obj: User) -> str:
        return obj.get_absolute_url()


class ContactOut(Schema):
    email: str | None = None
    phone: str | None = None
    chat_handle: str | None = None
    linkedin_url: str | None = None
    x_url: str | None = None
    github_url: str | None = None
    website_url: str | None = None


class PersonOut(PersonFields):
    org_role: OrgRole
    time_zone: str
    bio: str
    bio_html: str
    interests: list[str]
    skills: list[SkillClaimOut]
    contact: ContactOut


class MeOut(PersonOut):
    email: str
    language: str
    email_visibility: Visibility
    phone_visibility: Visibility
    chat_visibility: Visibility
    links_visibility: Visibility


class ProfilePatch(In):
    """Only the fields sent are changed; send "" to clear a text field."""

    name: str = Omittable(min_length=1, max_length=150, pattern=r"\S")
    handle: str = Omittable(max_length=31, description="How others @mention you.")
    time_zone: str = Omittable(max_length=64, description="An IANA name, e.g. Europe/Paris.")
    language: str = Omittable(
        pattern=LANGUAGE_PATTERN, description="A language code, or empty for the browser's."
    )
    title: str = Omittable(max_length=120)
    department: str = Omittable(max_length=120)
    location: str = Omittable(max_length=120)
    bio: str = Omittable(max_length=5000, description="Markdown.")
    interests: str = Omittable(max_length=500, description="Separated by commas.")
    phone: str = Omittable(max_length=30)
    chat_handle: str = Omittable(max_length=80)
    linkedin_url: str = Omittable(max_length=200)
    x_url: str = Omittable(max_length=200)
    github_url: str = Omittable(max_length=200)
    website_url: str = Omittable(max_length=200)
    email_visibility: Visibility = Omittable()
    phone_visibility: Visibility = Omittable()
    chat_visibility: Visibility = Omittable()
    links_visibility: Visibility = Omittable()
    open_to_questions: StrictBool = Omittable()


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
