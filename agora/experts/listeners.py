"""Keep expertise in step with the evidence, from the event log.

Each listener works out whose expertise an event touches and on which
skills, then `scoring.refresh` rewrites those rows from their sources, so
running one twice, or out of order, ends the same.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from agora.core.events import listener
from agora.core.feed import register_feed_verbs
from agora.core.models import Event
from agora.discussions.models import Reply, Thread
from agora.experts import people_index, scoring, search_queries
from agora.experts.models import Expertise, ExpertRequest, SkillEndorsement
from agora.spaces.models import Space

register_feed_verbs(
    {
        "skill.endorsed": _("endorsed a colleague's skill"),
        "expert_request.answered": _("had an expert question answered"),
    }
)


def _thread_skills(thread_id: int) -> list[int]:
    return list(
        Thread.skills.through.objects.filter(thread_id=thread_id).values_list("skill_id", flat=True)
    )


@listener(
    "answer.accepted",
    "reply.endorsed",
    "reply.reacted",
    "reply.unreacted",
    "reply.deleted",
    "reply.edited",
)
def refresh_reply_author(event: Event) -> None:
    """A reply's author gains or loses an accepted answer, endorsement or helpful mark."""
    reply = (
        Reply.objects.filter(pk=event.data.get("reply_id") or event.target_id)
        .values_list("author_id", "thread_id")
        .first()
    )
    if reply and reply[0]:
        author_id, thread_id = reply
        scoring.refresh(author_id, _thread_skills(thread_id))


@listener("post.hidden", "post.restored", "thread.edited", "thread.deleted", "thread.moderated")
def refresh_thread_people(event: Event) -> None:
    """Hiding, deleting or retagging a thread changes what its replies prove."""
    if event.target_type is None:
        return
    if event.target_type.model == "reply":
        refresh_reply_author(event)
        return
    if event.target_type.model != "thread":
        return
    # Retagging may remove skills: refresh every skill those people hold rows on.
    for user_id in scoring.people_in_threads([event.target_id]):
        scoring.refresh(user_id)


@listener(
    "skill.endorsed",
    "skill.endorsement_withdrawn",
    "skill.endorsement_hidden",
    "skill.endorsement_shown",
)
def refresh_endorsed_person(event: Event) -> None:
    person_id, skill_id = event.data.get("person_id"), event.data.get("skill_id")
    if person_id and skill_id:
        scoring.refresh(person_id, [skill_id])


@listener("profile.skills_changed")
def refresh_claims(event: Event) -> None:
    """A changed level or a dropped claim rewrites the person's rows."""
    if event.target_id:
        scoring.refresh(event.target_id)


@listener("space.updated", "space.archived", "space.restored")
def refresh_space_facilitators(event: Event) -> None:
    if event.space_id and "skills" in event.data.get("fields", ["skills"]):
        for user_id in scoring.people_touching_spaces([event.space_id]):
            scoring.refresh(user_id)


@listener("member.role_changed", "member.removed", "space.left", "space.joined")
def refresh_member(event: Event) -> None:
    """Becoming or ceasing to be a facilitator changes facilitation evidence."""
    user_id = event.data.get("user_id") or event.actor_id
    if user_id and event.space_id:
        skill_ids = list(
            Space.skills.through.objects.filter(space_id=event.space_id).values_list(
                "skill_id", flat=True
            )
        )
        if skill_ids:
            scoring.refresh(user_id, skill_ids)


@listener("expert_request.rated", "expert_request.answered", "expert_request.reopened")
def refresh_expert(event: Event) -> None:
    request = (
        ExpertRequest.objects.filter(pk=event.target_id)
        .values_list("expert_id", "skill_id")
        .first()
    )
    if request and request[1]:
        scoring.refresh(request[0], [request[1]])


@listener("skill.merged")
def refresh_merged(event: Event) -> None:
    """Everyone with a claim, endorsement or evidence on the kept skill."""
    skill_id = event.target_id
    people = set(Expertise.objects.filter(skill_id=skill_id).values_list("user_id", flat=True))
    people |= set(
        SkillEndorsement.objects.filter(skill_id=skill_id).values_list("person_id", flat=True)
    )
    people |= scoring.people_in_threads(
        Thread.skills.through.objects.filter(skill_id=skill_id).values_list("thread_id", flat=True)
    )
    for user_id in people:
        scoring.refresh(user_id)


# --- The people index (after the expertise listeners above: it reads their rows) ---
def _reply_or_thread_author(event: Event) -> int | None:
    if event.target_type is None or event.target_id is None:
        return None
    model = event.target_type.model
    if model == "reply":
        return Reply.objects.filter(pk=event.target_id).values_list("author_id", flat=True).first()
    if model == "thread":
        return Thread.objects.filter(pk=event.target_id).values_list("author_id", flat=True).first()
    return None


@listener(
    "person.joined",
    "profile.updated",
    "profile.skills_changed",
    "person.role_changed",
    "space.joined",
)
def index_profile(event: Event) -> None:
    """A profile edit is findable as soon as this runs (the target is the person)."""
    if event.verb == "profile.skills_changed":  # it may have added skills
        search_queries.forget_vocabulary()
    person_id = event.actor_id if event.verb == "space.joined" else event.target_id
    if person_id:
        people_index.index_person(person_id)


@listener(
    "thread.started",
    "thread.edited",
    "thread.deleted",
    "thread.moderated",
    "reply.posted",
    "reply.edited",
    "reply.deleted",
    "post.hidden",
    "post.restored",
    "answer.accepted",
    "reply.endorsed",
)
def index_post_author(event: Event) -> None:
    """The author's posts sample (and skills with new evidence) changed."""
    author_id = _reply_or_thread_author(event)
    if author_id:
        people_index.index_person(author_id)


@listener(
    "skill.endorsed",
    "skill.endorsement_withdrawn",
    "skill.endorsement_hidden",
    "skill.endorsement_shown",
)
def index_endorsed_person(event: Event) -> None:
    if event.data.get("person_id"):
        people_index.index_person(event.data["person_id"])


@listener("expert_request.rated", "expert_request.answered", "expert_request.reopened")
def index_expert(event: Event) -> None:
    expert_id = (
        ExpertRequest.objects.filter(pk=event.target_id).values_list("expert_id", flat=True).first()
    )
    if expert_id:
        people_index.index_person(expert_id)


@listener(
    "skill.renamed", "skill.moved", "skill.alias_added", "skill.alias_removed", "skill.merged"
)
def index_skill_holders(event: Event) -> None:
    """A skill's names changed: everyone holding it (or a child of it) is written again."""
    search_queries.forget_vocabulary()
    if event.target_id:
        people_index.index_people(people_index.people_with_skills([event.target_id]))


@listener("space.updated")
def index_space_authors(event: Event) -> None:
    """A space opened or closed: its authors' posts samples change."""
    if event.space_id and "visibility" in event.data.get("fields", ["visibility"]):
        authors = set(
            Thread.objects.filter(space_id=event.space_id).values_list("author_id", flat=True)
        ) | set(
            Reply.objects.filter(thread__space_id=event.space_id).values_list(
                "author_id", flat=True
            )
        )
        people_index.index_people(author for author in authors if author)
