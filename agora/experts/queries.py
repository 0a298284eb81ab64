"""Read paths of the experts app (its search lives in `search_queries`).

Requests: whether one may ask, whom else to ask, and the requests a person
asked or received, in a fixed number of queries.

Profiles: `profile_skills` is what a profile shows per skill: the claim, the
evidence counts of the `Expertise` row, the endorsements. `skill_evidence`
lists the items `scoring.evidence` counts for one person and skill, with what
each points at, keeping only what the viewer may see (the rest is a count),
and how the score adds up, using `scoring`'s own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agora.accounts.models import Availability, Profile, Skill, SkillClaim, User
from agora.accounts.permissions import people_visible_to
from agora.discussions.models import Reply, Thread
from agora.discussions.permissions import threads_concealing_replies_from
from agora.experts import scoring
from agora.experts.models import Expertise, ExpertRequest, SkillEndorsement
from agora.experts.permissions import ask_refusal, can_ask, requests_visible_to
from agora.spaces.models import Space
from agora.spaces.permissions import spaces_with_content_visible_to

SUGGESTIONS = 3
BOXES = ("all", "asked", "received")


def open_request_count(expert: User) -> int:
    """How many of `expert`'s requests are still open."""
    return ExpertRequest.objects.filter(expert=expert, status=ExpertRequest.Status.OPEN).count()


def _open_requests_of(user_ref: str) -> Subquery:
    """The number of open requests of the person at `user_ref` (an OuterRef path)."""
    counted = (
        ExpertRequest.objects.filter(expert=OuterRef(user_ref), status=ExpertRequest.Status.OPEN)
        .order_by()
        .values("expert")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def suggested_experts(
    *, viewer: User, skill: Skill, exclude: tuple[int, ...] = (), limit: int = SUGGESTIONS
) -> QuerySet[Expertise]:
    """The strongest people on `skill` who take questions now, best first.

    Leaves out `exclude` (the expert who is full or away, the viewer), people
    not open to questions, away, or at their request limit, and people the
    viewer may not see.
    """
    return (
        Expertise.objects.filter(
            skill=skill,
            user__in=people_visible_to(viewer).values("pk"),
            user__profile__open_to_questions=True,
        )
        .exclude(user__profile__availability=Availability.AWAY)
        .exclude(user_id__in=[*exclude, viewer.pk])
        .annotate(open_requests=_open_requests_of("user_id"))
        .filter(open_requests__lt=F("user__profile__request_limit"))
        .select_related("user__profile", "skill")
        .order_by("-score", "pk")[:limit]
    )


@dataclass(frozen=True)
class AskState:
    """Whether `viewer` may ask `expert` now; when not, why, and whom else to ask."""

    allowed: bool
    reason: str = ""  # "", "not_allowed", "not_open", "away", "full"
    message: str = ""
    open_count: int = 0
    limit: int = 0
    skill: Skill | None = None
    suggestions: list[Expertise] = field(default_factory=list)


def _profile_of(expert: User) -> Profile:
    try:
        return expert.profile
    except Profile.DoesNotExist:
        return Profile(user=expert)


def ask_state(*, viewer: User, expert: User, skill: Skill | None = None) -> AskState:
    """Whether `viewer` may ask `expert` now, with the reason and suggestions when not.

    Suggestions are for `skill`, or else for the expert's strongest skill.
    """
    profile = _profile_of(expert)
    open_count = open_request_count(expert) if expert.pk else 0
    limit = profile.request_limit
    if not can_ask(viewer, expert):
        return AskState(False, "not_allowed", _("You cannot ask this person."), open_count, limit)
    reason = ask_refusal(
        viewer,
        expert_id=expert.pk,
        open_to_questions=profile.open_to_questions,
        availability=profile.availability,
        open_count=open_count,
        limit=limit,
    )
    if not reason:
        return AskState(True, open_count=open_count, limit=limit, skill=skill)
    if reason == "not_open":
        message = _("%(name)s is not taking questions now.")
    elif reason == "away":
        message = _("%(name)s is away.")
    else:
        message = ngettext(
            "%(name)s is full: %(count)d open question.",
            "%(name)s is full: %(count)d open questions.",
            open_count,
        )
    message = message % {"name": expert.name, "count": open_count}
    if reason == "away" and profile.availability_note:
        message += " " + profile.availability_note
    if skill is None:
        top = Expertise.objects.filter(user=expert).select_related("skill").first()
        skill = top.skill if top else None
    suggestions = (
        list(suggested_experts(viewer=viewer, skill=skill, exclude=(expert.pk,))) if skill else []
    )
    if suggestions:
        message += " " + _("You could ask: %(names)s.") % {
            "names": ", ".join(row.user.name for row in suggestions)
        }
    return AskState(False, reason, message, open_count, limit, skill, suggestions)


def expert_skills(*, expert: User) -> QuerySet[Skill]:
    """Skills a question to `expert` may be tagged with: those they claim or have evidence on."""
    return (
        Skill.objects.filter(Q(claims__user=expert) | Q(experts__user=expert))
        .distinct()
        .order_by("name")
    )


def person_requests(*, viewer: User, box: str = "all") -> QuerySet[ExpertRequest]:
    """Requests `viewer` asked and/or received, newest first, ready for the list."""
    requests = requests_visible_to(viewer)
    if box == "asked":
        requests = requests.filter(asker=viewer)
    elif box == "received":
        requests = requests.filter(expert=viewer)
    return requests.select_related(
        "asker__profile", "expert__profile", "skill", "thread__space"
    ).order_by("-created_at", "-pk")


# Endorsers listed per skill on the profile; the evidence page lists them all.
PROFILE_ENDORSERS = 5
# Endorsements read for one profile: enough for every skill's first few.
PROFILE_ENDORSEMENTS_CAP = 500
KIND_LABELS = {
    "accepted_answers": gettext_lazy("Accepted answer"),
    "endorsed_replies": gettext_lazy("Endorsed reply"),
    "helpful_reactions": gettext_lazy("Marked helpful"),
    "endorsements": gettext_lazy("Endorsement"),
    "facilitated_spaces": gettext_lazy("Facilitated space"),
    "helpful_requests": gettext_lazy("Helpful answer to a request"),
}


def evidence_phrases(row: Expertise | None) -> list[str]:
    """The evidence counts of `row` in words, the kinds it has only:
    ["3 accepted answers", "2 endorsed replies", "endorsed by 5"]."""
    if row is None:
        return []
    phrases = [
        (
            row.accepted_answers,
            ngettext("%d accepted answer", "%d accepted answers", row.accepted_answers),
        ),
        (
            row.endorsed_replies,
            ngettext("%d endorsed reply", "%d endorsed replies", row.endorsed_replies),
        ),
        (
            row.helpful_reactions,
            ngettext("%d marked helpful", "%d marked helpful", row.helpful_reactions),
        ),
        (
            row.facilitated_spaces,
            ngettext("facilitates %d space", "facilitates %d spaces", row.facilitated_spaces),
        ),
        (
            row.helpful_requests,
            ngettext(
                "%d helpful answer to a request",
                "%d helpful answers to requests",
                row.helpful_requests,
            ),
        ),
        (row.endorsements, ngettext("endorsed by %d", "endorsed by %d", row.endorsements)),
    ]
    return [phrase % count for count, phrase in phrases if count]


@dataclass
class ProfileSkill:
    """One skill on a profile: the claim (None when only evidence shows it),
    its expertise row, and the endorsements the viewer may see."""

    skill: Skill
    claim: SkillClaim | None
    expertise: Expertise | None
    endorsements: list[SkillEndorsement] = field(default_factory=list)
    endorsement_count: int = 0
    viewer_endorsement: SkillEndorsement | None = None

    @property
    def evidence(self) -> list[str]:
        return evidence_phrases(self.expertise)

    @property
    def endorsers_shown(self) -> list[SkillEndorsement]:
        return self.endorsements[:PROFILE_ENDORSERS]

    @property
    def more_endorsers(self) -> int:
        return max(len(self.endorsements) - PROFILE_ENDORSERS, 0)


def endorsements_of(
    *, viewer: User, person: User, skill: Skill | None = None
) -> QuerySet[SkillEndorsement]:
    """`person`'s endorsements (of `skill`) whose endorser `viewer` may see, newest first.

    Hidden ones are left out, except for the person themselves (who may show
    them again) and admins.
    """
    endorsements = SkillEndorsement.objects.filter(
        person=person, endorser__in=people_visible_to(viewer)
    ).select_related("endorser__profile", "skill")
    if skill is not None:
        endorsements = endorsements.filter(skill=skill)
    if viewer.pk != person.pk and not viewer.is_org_admin:
        endorsements = endorsements.filter(is_hidden=False)
    return endorsements.order_by("-created_at", "-pk")


def endorsement_by(*, endorser: User, person: User, skill: Skill) -> SkillEndorsement | None:
    """`endorser`'s endorsement of `person`'s `skill`, if any."""
    return (
        SkillEndorsement.objects.select_related("skill", "endorser")
        .filter(person=person, skill=skill, endorser=endorser)
        .first()
    )


def access_received_endorsement(person: User, endorsement_id: int) -> SkillEndorsement:
    """The endorsement `endorsement_id` that `person` received, or Http404."""
    endorsement = (
        SkillEndorsement.objects.select_related("skill", "endorser")
        .filter(person=person, pk=endorsement_id)
        .first()
    )
    if endorsement is None:
        raise Http404("No such endorsement.")
    return endorsement


def profile_skills(*, viewer: User, person: User) -> list[ProfileSkill]:
    """Every skill `person` lists or has evidence on, by score then name, in three queries."""
    claims = {
        claim.skill_id: claim
        for claim in SkillClaim.objects.filter(user=person).select_related("skill")
    }
    rows = {
        row.skill_id: row for row in Expertise.objects.filter(user=person).select_related("skill")
    }
    skills: dict[int, ProfileSkill] = {}
    for skill_id in claims.keys() | rows.keys():
        claim, row = claims.get(skill_id), rows.get(skill_id)
        skill = claim.skill if claim else row.skill
        skills[skill_id] = ProfileSkill(skill=skill, claim=claim, expertise=row)
    endorsements = endorsements_of(viewer=viewer, person=person)[:PROFILE_ENDORSEMENTS_CAP]
    for endorsement in endorsements:
        item = skills.get(endorsement.skill_id)
        if item is None:
            continue  # a skill no longer listed, with no evidence left
        item.endorsements.append(endorsement)
        if not endorsement.is_hidden:
            item.endorsement_count += 1
        if endorsement.endorser_id == viewer.pk:
            item.viewer_endorsement = endorsement
    return sorted(
        skills.values(),
        key=lambda item: (
            item.claim is None,
            -(item.expertise.score if item.expertise else 0.0),
            item.skill.name.casefold(),
        ),
    )


def access_skill(slug: str) -> Skill:
    """The skill with `slug`, or Http404."""
    skill = Skill.objects.filter(slug=slug).first()
    if skill is None:
        raise Http404("No such skill.")
    return skill


@dataclass
class EvidenceItem:
    """One evidence item with what it points at and what it adds to the score."""

    item: scoring.Item
    weight: float
    decay: float
    points: float
    space: Space | None = None
    thread: Thread | None = None
    reply: Reply | None = None
    person: User | None = None  # the endorser, the reactor or the asker
    note: str = ""

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.item.kind])

    @property
    def at(self) -> datetime:
        return self.item.at


@dataclass
class Evidence:
    """The evidence behind one person x skill score, as the viewer may see it."""

    person: User
    skill: Skill
    claim: SkillClaim | None
    expertise: Expertise | None
    items: list[EvidenceItem]
    hidden_count: int
    hidden_points: float
    level_points: float
    total: float
    counts: dict[str, int]
    now: datetime
    weights: list[tuple[str, float]]
    half_life_days: float

    @property
    def phrases(self) -> list[str]:
        return evidence_phrases(self.expertise)


def skill_evidence(*, viewer: User, person: User, skill: Skill) -> Evidence:
    """Every evidence item on `person` x `skill` that `viewer` may see, with its points.

    Items in spaces whose content the viewer may not read, in threads that
    conceal their replies from the viewer, or from people the viewer may not
    see are counted (`hidden_count`, `hidden_points`) but not shown. The
    total is the score `scoring.score` gives now, so it matches the items'
    points plus the level's.
    """
    now = timezone.now()
    raw = sorted(scoring.evidence(person.pk, [skill.pk]), key=lambda i: i.at, reverse=True)
    claim = SkillClaim.objects.filter(user=person, skill=skill).first()
    level = claim.level if claim else ""
    space_ids = {i.space_id for i in raw if i.space_id}
    thread_ids = {i.thread_id for i in raw if i.thread_id}
    reply_ids = {i.reply_id for i in raw if i.reply_id}
    people_ids = {i.other_id for i in raw if i.other_id and i.kind != "facilitated_spaces"}
    spaces = (
        spaces_with_content_visible_to(viewer).filter(pk__in=space_ids).in_bulk()
        if space_ids
        else {}
    )
    threads = (
        Thread.objects.filter(pk__in=thread_ids, space_id__in=list(spaces))
        .exclude(pk__in=threads_concealing_replies_from(viewer).values("pk"))
        .only("pk", "title", "space_id", "kind")
        .in_bulk()
        if thread_ids and spaces
        else {}
    )
    replies = (
        Reply.objects.filter(pk__in=reply_ids, thread_id__in=list(threads))
        .only("pk", "thread_id")
        .in_bulk()
        if reply_ids and threads
        else {}
    )
    people = (
        people_visible_to(viewer).filter(pk__in=people_ids).select_related("profile").in_bulk()
        if people_ids
        else {}
    )
    notes = (
        dict(
            SkillEndorsement.objects.filter(
                person=person, skill=skill, endorser_id__in=list(people)
            ).values_list("endorser_id", "note")
        )
        if any(i.kind == "endorsements" for i in raw) and people
        else {}
    )
    items: list[EvidenceItem] = []
    hidden_count, hidden_points = 0, 0.0
    counts = dict.fromkeys(scoring.KINDS, 0)
    for raw_item in raw:
        counts[raw_item.kind] += 1
        decay = scoring.decay(raw_item.at, now)
        points = raw_item.points(now)
        shown = _visible_item(raw_item, spaces, threads, people)
        if not shown:
            hidden_count += 1
            hidden_points += points
            continue
        space = spaces.get(raw_item.space_id) if raw_item.space_id else None
        thread = threads.get(raw_item.thread_id) if raw_item.thread_id else None
        if thread is not None and space is not None:
            thread.space = space  # for get_absolute_url, without another query
        reply = replies.get(raw_item.reply_id) if raw_item.reply_id else None
        if reply is not None and thread is not None:
            reply.thread = thread
        other = (
            people.get(raw_item.other_id)
            if raw_item.other_id and raw_item.kind != "facilitated_spaces"
            else None
        )
        items.append(
            EvidenceItem(
                item=raw_item,
                weight=scoring.WEIGHTS[raw_item.kind],
                decay=decay,
                points=points,
                space=space,
                thread=thread,
                reply=reply,
                person=other,
                note=notes.get(raw_item.other_id, "") if raw_item.kind == "endorsements" else "",
            )
        )
    level_points = scoring.LEVEL_POINTS.get(level, 0.0)
    return Evidence(
        person=person,
        skill=skill,
        claim=claim,
        expertise=Expertise.objects.filter(user=person, skill=skill).first(),
        items=items,
        hidden_count=hidden_count,
        hidden_points=hidden_points,
        level_points=level_points,
        total=scoring.score(level, raw, now),
        counts=counts,
        now=now,
        weights=[(str(KIND_LABELS[kind]), weight) for kind, weight in scoring.WEIGHTS.items()],
        half_life_days=scoring.HALF_LIFE_DAYS,
    )


def _visible_item(
    item: scoring.Item,
    spaces: dict[int, Space],
    threads: dict[int, Thread],
    people: dict[int, User],
) -> bool:
    """Whether the viewer may see what `item` points at (the maps hold only what they may)."""
    if item.space_id is not None and item.space_id not in spaces:
        return False
    if item.thread_id is not None and item.thread_id not in threads:
        return False
    if item.kind in ("endorsements", "helpful_reactions", "endorsed_replies"):
        # The person behind it must be someone the viewer may see (an endorsed
        # reply's endorser may be absent: the reply still shows).
        return item.kind == "endorsed_replies" or item.other_id in people
    return True
