from ninja import Field, Schema
from pydantic import field_validator

from agora.accounts.models import TIME_ZONES, Availability, SkillClaim
from agora.api.schemas import In, choice
from agora.experts.search_queries import MAX_QUERY_CHARS, MatchedSkill
from agora.search.backends.base import words

Level = choice(SkillClaim.Level)
AvailabilityChoice = choice(Availability)
NO_WORDS = "Search needs at least one word of letters or digits."
BAD_TIME_ZONE = "Choose a time zone from the IANA database, such as Europe/Paris."


class ExpertFilter(In):
    q: str = Field(max_length=MAX_QUERY_CHARS, description="Words to find (all of them).")
    department: str = Field(default="", max_length=120, description="Only this department.")
    location: str = Field(default="", max_length=120, description="Only this location.")
    time_zone: str = Field(default="", max_length=64, description="Only this time zone.")
    level: Level | None = Field(
        default=None, description="Only this declared level on a skill the search names."
    )
    open_to_questions: bool = Field(default=False, description="Only people open to questions.")

    @field_validator("q", mode="after")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not words(value):
            raise ValueError(NO_WORDS)
        return value

    @field_validator("time_zone", mode="after")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        if value and value not in TIME_ZONES:
            raise ValueError(BAD_TIME_ZONE)
        return value


class MatchedSkillOut(Schema):
    id: int
    name: str
    slug: str
    level: str = Field(description="Declared level; empty when only the evidence shows it.")
    score: float = Field(description="The expertise score (see the experts scoring docs).")
    accepted_answers: int
    endorsed_replies: int
    helpful_reactions: int
    endorsements: int
    facilitated_spaces: int
    helpful_requests: int
    reason: str = Field(
        description='For example "12 accepted answers on Kubernetes, endorsed by 8".'
    )

    @staticmethod
    def resolve_id(matched: MatchedSkill) -> int:
        return matched.skill.pk

    @staticmethod
    def resolve_name(matched: MatchedSkill) -> str:
        return matched.skill.name

    @staticmethod
    def resolve_slug(matched: MatchedSkill) -> str:
        return matched.skill.slug

    @staticmethod
    def resolve_level(matched: MatchedSkill) -> str:
        return matched.expertise.level

    @staticmethod
    def resolve_score(matched: MatchedSkill) -> float:
        return matched.expertise.score

    @staticmethod
    def resolve_accepted_answers(matched: MatchedSkill) -> int:
        return matched.expertise.accepted_answers

    @staticmethod
    def resolve_endorsed_replies(matched: MatchedSkill) -> int:
        return matched.expertise.endorsed_replies

    @staticmethod
    def resolve_helpful_reactions(matched: MatchedSkill) -> int:
        return matched.expertise.helpful_reactions

    @staticmethod
    def resolve_endorsements(matched: MatchedSkill) -> int:
        return matched.expertise.endorsements

    @staticmethod
    def resolve_facilitated_spaces(matched: MatchedSkill) -> int:
        return matched.expertise.facilitated_spaces

    @staticmethod
    def resolve_helpful_requests(matched: MatchedSkill) -> int:
        return matched.expertise.helpful_requests


class ExpertHitOut(Schema):
    id: int
    name: str
    handle: str
    url: str
    title: str
    department: str
    location: str
    availability: AvailabilityChoice
    availability_note: str
    open_to_questions: bool
    ask_refusal: str = Field(
        description='Why you may not ask them now: "" (you may), "not_allowed", "not_open",'
        ' "away" or "full".'
    )
    rank: float = Field(description="Higher is better; comparable within one search only.")
    name_html: str = Field(description="Escaped name, matched words in <mark>.")
    snippet_html: str = Field(description="Escaped profile fragment, matched words in <mark>.")
    skills: list[MatchedSkillOut] = Field(description="The skills the search names, as held.")
