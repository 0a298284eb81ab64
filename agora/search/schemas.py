from datetime import date, datetime

from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator

from agora.api.schemas import In, check_text, choice
from agora.search.backends.base import words
from agora.search.models import SearchDocument
from agora.search.queries import MAX_QUERY_CHARS, Hit

Kind = choice(SearchDocument.Kind)
NO_WORDS = "Search needs at least one word of letters or digits."
DATES_REVERSED = "date_to must not be before date_from."


class SearchFilter(In):
    q: str = Field(max_length=MAX_QUERY_CHARS, description="Words to find (all of them).")
    space_id: int | None = Field(default=None, ge=1, description="Only in this space.")
    kind: Kind | None = Field(default=None, description="Only this kind of result.")
    author_id: int | None = Field(default=None, ge=1, description="Only by this person.")
    date_from: date | None = Field(default=None, description="Written on or after this day.")
    date_to: date | None = Field(default=None, description="Written on or before this day.")

    @field_validator("q", mode="after")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not words(value):
            raise ValueError(NO_WORDS)
        return value

    @field_validator("date_from", "date_to", mode="before")
    @classmethod
    def _storable_date_text(cls, value: object) -> object:
        return check_text(value) if isinstance(value, str) else value

    @field_validator("date_to", mode="after")
    @classmethod
    def _not_before_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("date_from")
        if value and start and start > value:
            raise ValueError(DATES_REVERSED)
        return value


class SearchSpaceOut(Schema):
    id: int
    slug: str
    name: str


class SearchHitOut(Schema):
    kind: Kind
    id: int = Field(description="The id of the thread, reply, lesson or space.")
    thread_id: int | None = Field(description="A reply's thread; a thread's own id.")
    space: SearchSpaceOut
    author_id: int | None
    author_name: str | None
    title_html: str = Field(description="Escaped title, matched words in <mark>.")
    snippet_html: str = Field(description="Escaped fragment, matched words in <mark>.")
    context: str = Field(description="For a reply, the title of its thread.")
    url: str
    created_at: datetime
    is_hidden: bool
    is_draft: bool

    @staticmethod
    def resolve_id(hit: Hit) -> int:
        return hit.document.object_id

    @staticmethod
    def resolve_thread_id(hit: Hit) -> int | None:
        return hit.document.thread_id

    @staticmethod
    def resolve_space(hit: Hit) -> SearchSpaceOut:
        space = hit.document.space
        return SearchSpaceOut(id=space.pk, slug=space.slug, name=space.name)

    @staticmethod
    def resolve_author_id(hit: Hit) -> int | None:
        return hit.document.author_id

    @staticmethod
    def resolve_author_name(hit: Hit) -> str | None:
        return hit.document.author.name if hit.document.author else None

    @staticmethod
    def resolve_created_at(hit: Hit) -> datetime:
        return hit.document.created_at

    @staticmethod
    def resolve_is_hidden(hit: Hit) -> bool:
        return hit.document.is_hidden

    @staticmethod
    def resolve_is_draft(hit: Hit) -> bool:
        return hit.document.is_draft
