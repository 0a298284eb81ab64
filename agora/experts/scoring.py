"""The expertise score: the one place where evidence becomes a number.

For one person and one skill::

    score = LEVEL_POINTS[declared level]
          + Σ over evidence items  WEIGHTS[kind] * 0.5 ** (age in days / HALF_LIFE_DAYS)

Evidence items, each dated, each one row a page can link to:

===================  =========================================================  ======
kind                 one item is                                                weight
===================  =========================================================  ======
accepted_answers     a reply of theirs accepted as the answer to a question      10
                     tagged with the skill
endorsed_replies     a reply of theirs endorsed by a facilitator, in a thread     6
                     tagged with the skill
helpful_reactions    a "helpful" reaction from someone else on such a reply       1
endorsements         a colleague's endorsement of the skill (not hidden)          4
facilitated_spaces   a space tagged with the skill that they facilitate or        8
                     mentor
helpful_requests     an expert request on the skill they answered, rated          8
                     helpful by the asker
===================  =========================================================  ======

Posts in an expert request's conversation are not counted as thread
evidence: the request, rated helpful by the asker, counts once instead.
Recent evidence counts more: an item loses half its weight each year. The
declared level adds a little (learning 0, practitioner 2, expert 4), so a
claim alone never outranks a colleague with real evidence. Hidden and
deleted posts, and posts in deleted or hidden threads, are not evidence.

`evidence(user_id, skill_ids)` lists the items; `refresh(user_id, ...)`
rewrites the person's `Expertise` rows from them (safe to run twice: it
always ends as the sources are now). The counts a page shows are the
number of items of each kind, so each can be traced to its list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from agora.accounts.models import SkillClaim, User
from agora.discussions.models import Reaction, Reply, Thread
from agora.experts.models import Expertise, ExpertRequest, SkillEndorsement
from agora.spaces.models import Membership

HALF_LIFE_DAYS = 365.0
WEIGHTS = {
    "accepted_answers": 10.0,
    "endorsed_replies": 6.0,
    "helpful_reactions": 1.0,
    "endorsements": 4.0,
    "facilitated_spaces": 8.0,
    "helpful_requests": 8.0,
}
KINDS = tuple(WEIGHTS)
LEVEL_POINTS = {
    SkillClaim.Level.LEARNING: 0.0,
    SkillClaim.Level.PRACTITIONER: 2.0,
    SkillClaim.Level.EXPERT: 4.0,
}


def decay(when: datetime, now: datetime) -> float:
    """The share of its weight an item dated `when` still carries at `now`."""
    age_days = max((now - when).total_seconds(), 0.0) / 86400.0
    return 0.5 ** (age_days / HALF_LIFE_DAYS)


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of evidence: its kind, skill, date and what it points at."""

    kind: str
    skill_id: int
    at: datetime
    space_id: int | None = None
    thread_id: int | None = None
    reply_id: int | None = None
    other_id: int | None = None  # the endorser, reactor, asker or the space

    def points(self, now: datetime) -> float:
        return WEIGHTS[self.kind] * decay(self.at, now)


def _skill_filter(field: str, skill_ids: Iterable[int] | None) -> Q:
    return Q() if skill_ids is None else Q(**{f"{field}__in": list(skill_ids)})


def _live_reply(prefix: str = "") -> Q:
    """A reply (at `prefix`) that counts: neither it nor its thread is deleted or hidden,
    and the thread is not an expert request (those count once, as a helpful request)."""
    return Q(
        **{
            f"{prefix}is_deleted": False,
            f"{prefix}is_hidden": False,
            f"{prefix}thread__is_deleted": False,
            f"{prefix}thread__is_hidden": False,
            f"{prefix}thread__expert_request__isnull": True,
        }
    )


def evidence(user_id: int, skill_ids: Iterable[int] | None = None) -> list[Item]:
    """Every evidence item for `user_id` on `skill_ids` (all skills when None)."""
    skill_ids = None if skill_ids is None else list(skill_ids)
    items: list[Item] = []
    thread_skills = Thread.skills.through.objects

    accepted = thread_skills.filter(
        _skill_filter("skill_id", skill_ids),
        thread__accepted_reply__author_id=user_id,
        thread__is_deleted=False,
        thread__is_hidden=False,
        thread__expert_request__isnull=True,
        thread__accepted_reply__is_deleted=False,
        thread__accepted_reply__is_hidden=False,
    ).values_list(
        "skill_id",
        "thread__space_id",
        "thread_id",
        "thread__accepted_reply_id",
        "thread__accepted_reply__created_at",
    )
    items += [
        Item("accepted_answers", skill, at, space, thread, reply)
        for skill, space, thread, reply, at in accepted
    ]

    endorsed = (
        Reply.objects.filter(_live_reply(), author_id=user_id, endorsed_at__isnull=False)
        .filter(_skill_filter("thread__skills", skill_ids))
        .values_list(
            "thread__skills", "thread__space_id", "thread_id", "pk", "endorsed_at", "endorsed_by"
        )
    )
    items += [
        Item("endorsed_replies", skill, at, space, thread, reply, by)
        for skill, space, thread, reply, at, by in endorsed
        if skill is not None
    ]

    helpful = (
        Reaction.objects.filter(
            _live_reply("reply__"), kind=Reaction.Kind.HELPFUL, reply__author_id=user_id
        )
        .exclude(user_id=user_id)
        .filter(_skill_filter("reply__thread__skills", skill_ids))
        .values_list(
            "reply__thread__skills",
            "reply__thread__space_id",
            "reply__thread_id",
            "reply_id",
            "created_at",
            "user_id",
        )
    )
    items += [
        Item("helpful_reactions", skill, at, space, thread, reply, by)
        for skill, space, thread, reply, at, by in helpful
        if skill is not None
    ]

    endorsements = SkillEndorsement.objects.filter(
        _skill_filter("skill_id", skill_ids), person_id=user_id, is_hidden=False
    ).values_list("skill_id", "created_at", "endorser_id")
    items += [Item("endorsements", skill, at, other_id=by) for skill, at, by in endorsements]

    facilitated = (
        Membership.objects.filter(
            user_id=user_id, role=Membership.Role.FACILITATOR, space__skills__isnull=False
        )
        .filter(_skill_filter("space__skills", skill_ids))
        .values_list("space__skills", "space_id", "created_at")
    )
    items += [
        Item("facilitated_spaces", skill, at, space, other_id=space)
        for skill, space, at in facilitated
    ]

    answered = ExpertRequest.objects.filter(
        _skill_filter("skill_id", skill_ids),
        expert_id=user_id,
        is_helpful=True,
        skill__isnull=False,
    ).values_list(
        "skill_id", "thread__space_id", "thread_id", "answered_at", "created_at", "asker_id"
    )
    items += [
        Item("helpful_requests", skill, answered_at or created, space, thread, other_id=asker)
        for skill, space, thread, answered_at, created, asker in answered
    ]
    return items


def score(level: str, items: Iterable[Item], now: datetime) -> float:
    """The score of one person x skill: declared level plus decayed evidence."""
    return LEVEL_POINTS.get(level, 0.0) + sum(item.points(now) for item in items)


@transaction.atomic
def refresh(user_id: int, skill_ids: Iterable[int] | None = None) -> list[Expertise]:
    """Rewrite `user_id`'s Expertise rows for `skill_ids` (all their skills when None).

    A row exists for every skill the person claims or has evidence for; the
    others are removed. Returns the rows kept.
    """
    skill_ids = None if skill_ids is None else set(skill_ids)
    now = timezone.now()
    by_skill: dict[int, list[Item]] = defaultdict(list)
    for item in evidence(user_id, skill_ids):
        by_skill[item.skill_id].append(item)
    claims = {
        skill: (level, years)
        for skill, level, years in SkillClaim.objects.filter(
            _skill_filter("skill_id", skill_ids), user_id=user_id
        ).values_list("skill_id", "level", "years")
    }
    stale = Expertise.objects.filter(user_id=user_id).filter(_skill_filter("skill_id", skill_ids))
    stale.exclude(skill_id__in=set(by_skill) | set(claims)).delete()
    kept = []
    for skill_id in sorted(set(by_skill) | set(claims)):
        items = by_skill.get(skill_id, [])
        level, years = claims.get(skill_id, ("", None))
        counts = dict.fromkeys(KINDS, 0)
        for item in items:
            counts[item.kind] += 1
        row, _created = Expertise.objects.update_or_create(
            user_id=user_id,
            skill_id=skill_id,
            defaults={
                "level": level,
                "years": years,
                "score": round(score(level, items, now), 4),
                "computed_at": now,
                **counts,
            },
        )
        kept.append(row)
    return kept


def people_touching_spaces(space_ids: Iterable[int]) -> set[int]:
    """The facilitators of `space_ids`: their facilitation evidence depends on its skills."""
    return set(
        Membership.objects.filter(
            space_id__in=list(space_ids), role=Membership.Role.FACILITATOR
        ).values_list("user_id", flat=True)
    )


def people_in_threads(thread_ids: Iterable[int]) -> set[int]:
    """Authors of replies in `thread_ids` whose evidence depends on the threads' skills."""
    replies = Reply.objects.filter(thread_id__in=list(thread_ids), author__isnull=False)
    evidence_replies = replies.filter(
        Q(endorsed_at__isnull=False) | Q(helpful_count__gt=0) | Q(pk=F("thread__accepted_reply_id"))
    )
    return set(evidence_replies.values_list("author_id", flat=True).distinct())


def refresh_everyone(*, only_scored: bool = False) -> int:
    """Refresh the expertise of every active person (or, with `only_scored`, of
    the people who have expertise rows: enough to let old evidence decay).

    Return how many people were refreshed. Safe to run at any time; the
    ``refresh_expertise`` command runs it.
    """
    if only_scored:
        people = Expertise.objects.values_list("user_id", flat=True).distinct().order_by()
    else:
        people = User.objects.filter(is_active=True).values_list("pk", flat=True)
    count = 0
    for user_id in people.iterator(chunk_size=500):
        refresh(user_id)
        count += 1
    return count
