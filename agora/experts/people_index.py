"""Copy people into the people index (`PersonDocument`, `NameVariant`).

`index_person(user_id)` reads the person as they are now and makes their
document match: written while they are active, removed otherwise. Running it
twice changes nothing more, so the listeners that call it are safe to run
twice and in any order.

What is indexed, and why it is safe to show:
- name, title, department, location, bio, interests: any viewer who may see
  the person may read these on their profile;
- skills they claim or have evidence for, with aliases and parent names;
- a sample of their posts (titles and text of the newest threads and
  replies, at most `WORK_CHARS`) from *open* spaces only, neither hidden nor
  deleted: what every member of the organization may read. Guests never
  match on it (the queries leave the column out), and no page shows it:
  snippets come from the profile fields alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from agora.accounts.models import Skill, SkillAlias, SkillClaim, User
from agora.discussions.models import Reply, Thread
from agora.experts.models import Expertise, NameVariant, PersonDocument
from agora.search.backends.base import fold
from agora.search.documents import clean_text, plain_text
from agora.spaces.models import Space

WORK_POSTS = 10
WORK_CHARS = 2000
NAME_TOKEN = re.compile(r"[^\W\d_]{3,64}")
BATCH = 1000


def name_tokens(name: str) -> set[str]:
    """The words of a name that typo tolerance knows (letters only, 3 or more;
    folded, as queries are)."""
    return {fold(token) for token in NAME_TOKEN.findall(name or "")}


def deletions(token: str) -> set[str]:
    """`token` and every form of it with one letter left out."""
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


def _variants(tokens: Iterable[str]) -> list[NameVariant]:
    return [
        NameVariant(variant=variant, token=token)
        for token in sorted(set(tokens))
        for variant in sorted(deletions(token))
        if len(variant) >= 2
    ]


def _skill_texts(user_ids: list[int]) -> dict[int, str]:
    """Per person: names of their skills (claimed or evidenced), aliases, parents."""
    pairs = set(SkillClaim.objects.filter(user_id__in=user_ids).values_list("user_id", "skill_id"))
    pairs |= set(
        Expertise.objects.filter(user_id__in=user_ids, score__gt=0).values_list(
            "user_id", "skill_id"
        )
    )
    skill_ids = {skill for _user, skill in pairs}
    skills = {
        pk: (name, parent)
        for pk, name, parent in Skill.objects.filter(pk__in=skill_ids).values_list(
            "pk", "name", "parent__name"
        )
    }
    aliases: dict[int, list[str]] = {}
    for skill_id, alias in SkillAlias.objects.filter(skill_id__in=skill_ids).values_list(
        "skill_id", "name"
    ):
        aliases.setdefault(skill_id, []).append(alias)
    texts: dict[int, list[str]] = {}
    for user_id, skill_id in sorted(pairs):
        if skill_id not in skills:
            continue
        name, parent = skills[skill_id]
        parts = [name, *sorted(aliases.get(skill_id, []))]
        if parent:
            parts.append(parent)
        texts.setdefault(user_id, []).append(" ".join(parts))
    return {user_id: clean_text(" · ".join(parts)) for user_id, parts in texts.items()}


def _work_text(user_id: int) -> str:
    """Newest posts of the person in open spaces, capped at WORK_CHARS."""
    open_space = {"space__visibility": Space.Visibility.OPEN}
    threads = list(
        Thread.objects.filter(author_id=user_id, is_deleted=False, is_hidden=False, **open_space)
        .order_by("-created_at")
        .values_list("created_at", "title", "body_html")[:WORK_POSTS]
    )
    replies = list(
        Reply.objects.filter(
            author_id=user_id,
            is_deleted=False,
            is_hidden=False,
            thread__is_deleted=False,
            thread__is_hidden=False,
            # Replies a post-first prompt conceals until one has posted.
            thread__post_first=False,
            thread__space__visibility=Space.Visibility.OPEN,
        )
        .order_by("-created_at")
        .values_list("created_at", "thread__title", "body_html")[:WORK_POSTS]
    )
    # A reply is known by its thread's title too: the topic it answers.
    posts = [(at, clean_text(title), plain_text(body)) for at, title, body in threads + replies]
    posts.sort(key=lambda post: post[0], reverse=True)
    text, seen = "", set()
    for _at, title, body in posts:
        if len(text) >= WORK_CHARS:
            break
        for part in (title, body):
            if part and part not in seen:
                seen.add(part)
                text = f"{text} {part}".strip()
    return text[:WORK_CHARS]


def _document(user: User, skills: str, work: str) -> PersonDocument:
    profile = user.profile
    about = " · ".join(
        part
        for part in (
            profile.title,
            profile.department,
            profile.location,
            plain_text(profile.bio_html),
            profile.interests,
        )
        if part
    )
    return PersonDocument(
        user_id=user.pk,
        name=clean_text(user.name),
        skills=skills,
        about=clean_text(about),
        work=work,
        department=profile.department,
        location=profile.location,
        time_zone=user.time_zone,
        open_to_questions=profile.open_to_questions,
        availability=profile.availability,
        indexed_at=timezone.now(),
    )


FIELDS = (
    "name",
    "skills",
    "about",
    "work",
    "department",
    "location",
    "time_zone",
    "open_to_questions",
    "availability",
    "indexed_at",
)


@transaction.atomic
def index_person(user_id: int) -> None:
    """Make `user_id`'s document match them as they are now (or remove it)."""
    user = User.objects.select_related("profile").filter(pk=user_id, is_active=True).first()
    if user is None:
        PersonDocument.objects.filter(user_id=user_id).delete()
        return
    document = _document(user, _skill_texts([user.pk]).get(user.pk, ""), _work_text(user.pk))
    PersonDocument.objects.update_or_create(
        user_id=user.pk, defaults={name: getattr(document, name) for name in FIELDS}
    )
    # Stale variants of an old name are harmless: they lead to a word nobody matches.
    NameVariant.objects.bulk_create(_variants(name_tokens(user.name)), ignore_conflicts=True)


def index_people(user_ids: Iterable[int]) -> None:
    for user_id in sorted(set(user_ids)):
        index_person(user_id)


def people_with_skills(skill_ids: Iterable[int]) -> set[int]:
    """Whoever claims or has evidence on `skill_ids`, or on their children."""
    skill_ids = list(skill_ids)
    skill_ids += list(Skill.objects.filter(parent_id__in=skill_ids).values_list("pk", flat=True))
    people = set(
        SkillClaim.objects.filter(skill_id__in=skill_ids).values_list("user_id", flat=True)
    )
    people |= set(
        Expertise.objects.filter(skill_id__in=skill_ids).values_list("user_id", flat=True)
    )
    return people


@transaction.atomic
def rebuild(*, batch: int = BATCH) -> int:
    """Index every active person again; return how many documents there are."""
    PersonDocument.objects.all().delete()
    NameVariant.objects.all().delete()
    last = 0
    while True:
        users = list(
            User.objects.filter(is_active=True, pk__gt=last)
            .select_related("profile")
            .order_by("pk")[:batch]
        )
        if not users:
            break
        ids = [user.pk for user in users]
        skills = _skill_texts(ids)
        works = _work_texts(ids)
        PersonDocument.objects.bulk_create(
            [_document(user, skills.get(user.pk, ""), works.get(user.pk, "")) for user in users],
            batch_size=500,
        )
        tokens = set().union(*(name_tokens(user.name) for user in users))
        NameVariant.objects.bulk_create(_variants(tokens), batch_size=2000, ignore_conflicts=True)
        last = ids[-1]
    return PersonDocument.objects.count()


def _work_texts(user_ids: list[int]) -> dict[int, str]:
    """`_work_text` for the people among `user_ids` who posted anything at all."""
    authors = set(
        Thread.objects.filter(author_id__in=user_ids).values_list("author_id", flat=True)
    ) | set(Reply.objects.filter(author_id__in=user_ids).values_list("author_id", flat=True))
    return {user_id: _work_text(user_id) for user_id in sorted(authors)}
