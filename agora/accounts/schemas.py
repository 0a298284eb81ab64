from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from agora.accounts.models import ContactVisibility, SkillClaim, User

Visibility = ContactVisibility


class SkillClaimOut(Schema):
    skill: str
    slug: str
    level: SkillClaim.Level
    years: int | None


class SkillClaimIn(Schema):
    model_config = ConfigDict(extra="forbid")
    skill: str = Field(min_length=1, max_length=80)
    level: SkillClaim.Level = SkillClaim.Level.PRACTITIONER
    years: int | None = Field(default=None, ge=0, le=70)


class PersonFields(Schema):
    id: int
    name: str
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
    org_role: User.OrgRole
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


class ProfilePatch(Schema):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=150)
    time_zone: str | None = Field(default=None, max_length=64)
    language: str | None = Field(default=None, max_length=16)
    title: str | None = Field(default=None, max_length=120)
    department: str | None = Field(default=None, max_length=120)
    location: str | None = Field(default=None, max_length=120)
    bio: str | None = Field(default=None, max_length=5000)
    interests: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=30)
    chat_handle: str | None = Field(default=None, max_length=80)
    linkedin_url: str | None = Field(default=None, max_length=200)
    x_url: str | None = Field(default=None, max_length=200)
    github_url: str | None = Field(default=None, max_length=200)
    website_url: str | None = Field(default=None, max_length=200)
    email_visibility: Visibility | None = None
    phone_visibility: Visibility | None = None
    chat_visibility: Visibility | None = None
    links_visibility: Visibility | None = None
    open_to_questions: bool | None = None


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
