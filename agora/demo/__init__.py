"""Demo organization for `make run` and `agora demo`.

`build_demo` creates about forty people and a dozen spaces of every kind
through the same actions the pages and the API call, so every membership,
invitation and join request has its event and the feeds are real. Each step
is then backdated onto a timeline spread over the past six weeks, so the
feeds read like an organization that has been using Agora for a while.

The data is fixed and the few random choices are seeded: two builds differ
only in absolute dates, which keeps screenshots stable.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import deque
from collections.abc import Callable
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from agora.accounts.actions import (
    add_skill_alias,
    change_org_role,
    set_skill_parent,
    set_skills,
    update_profile,
)
from agora.accounts.models import ContactVisibility, Skill, SkillClaim, User
from agora.core.models import Event, Video
from agora.courses.models import Attempt, Cohort, Completion, Course, Lesson, LessonPrompt
from agora.demo.courses import course_steps
from agora.demo.expertise import ALIASES, ENDORSEMENTS, PARENTS
from agora.demo.media import demo_clip
from agora.demo.people import COUNTRY_CODES, DOMAIN, PEOPLE, Person
from agora.demo.spaces import FIRST, LATER, SpacePlan, Step
from agora.discussions import actions as discussion_actions
from agora.discussions.models import Reaction, Reply, Thread
from agora.experts import actions as expert_actions
from agora.experts import scoring
from agora.experts.models import SkillEndorsement
from agora.spaces import actions as space_actions
from agora.spaces.models import Invitation, JoinRequest, Membership, Space

DEMO_PASSWORD = "agora-demo-2026"  # noqa: S105 (printed; demo data is refused in production)
DEMO_LOGINS = [
    (f"admin@{DOMAIN}", "Org admin (Morgan Ellis)"),
    (f"instructor@{DOMAIN}", "Learning staff, course instructor (Helena Vogt)"),
    (f"member@{DOMAIN}", "Member, learner in a course and a project team (Jamie Rivera)"),
    (f"advocate@{DOMAIN}", "Advocate, hosts the help community (Sofia Marquez)"),
    (f"guest@{DOMAIN}", "Outside guest in two spaces (Dr. Rafael Costa)"),
]
SEED = 2026
WEEKS = 6
ALREADY_BUILT = "The demo organization already exists; nothing changed."

# Every timestamp a step may write, rewritten to the step's moment on the timeline.
TIMESTAMPS: list[tuple[type, str]] = [
    (User, "date_joined"),
    (SkillClaim, "created_at"),
    (SkillEndorsement, "created_at"),
    (Space, "created_at"),
    (Space, "last_activity_at"),
    (Membership, "created_at"),
    (Invitation, "created_at"),
    (Invitation, "responded_at"),
    (JoinRequest, "created_at"),
    (JoinRequest, "decided_at"),
    (Thread, "created_at"),
    (Thread, "last_activity_at"),
    (Video, "created_at"),
    (Reply, "created_at"),
    (Reply, "endorsed_at"),
    (Reaction, "created_at"),
    (Course, "created_at"),
    (Course, "updated_at"),
    (Cohort, "created_at"),
    (Lesson, "created_at"),
    (Lesson, "updated_at"),
    (Lesson, "published_at"),
    (LessonPrompt, "created_at"),
    (Completion, "created_at"),
    (Attempt, "created_at"),
    (Event, "created_at"),
]

INVITE_MESSAGES = {
    "facilitator": "Would you facilitate this with me? You know the subject better than anyone.",
    "guest": "We would value an outside perspective: join us as a guest.",
    "member": "",
}
TALK_VERBS = ("thread", "reply", "react", "endorse", "accept_answer", "pin")
REQUEST_MESSAGE = "I would like to take part; this is exactly what I am working on."


def build_demo() -> str:
    """Build the demo organization and return a one-line summary.

    Raise ImproperlyConfigured in production settings. When the demo people
    already exist, change nothing and say so.
    """
    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo data is never loaded in production settings.")
    emails = [email_of(person) for person in PEOPLE]
    with transaction.atomic():
        if User.objects.filter(email__in=emails).exists():
            return ALREADY_BUILT
        builder = _Builder(random.Random(SEED))  # noqa: S311 (demo data, not secrets)
        builder.run()
    return (
        f"Built the demo organization: {len(builder.users)} people, {len(builder.spaces)} "
        f"spaces and {builder.event_count} events over the past {WEEKS} weeks. "
        f"Log in as {DEMO_LOGINS[0][0]} with the password {DEMO_PASSWORD}."
    )


def email_of(person: Person) -> str:
    if person.email:
        return person.email
    first, last = person.name.split()[0], person.name.split()[-1]
    return f"{slugify(first)}.{slugify(last).replace('-', '')}@{DOMAIN}"


class _Builder:
    """Run the story step by step, backdating each step onto the timeline."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.users: dict[str, int] = {}
        self.spaces: dict[str, int] = {}
        self.owners: dict[str, str] = {}
        self.threads: dict[str, int] = {}
        self.replies: dict[str, int] = {}
        self.event_count = 0
        self.calendar = _calendar(timezone.localdate() - timedelta(weeks=WEEKS))

    def run(self) -> None:
        steps = [self._person_step(person) for person in PEOPLE]
        steps.append(self._vocabulary_step)
        steps += [self._space_step(plan, ("create",)) for plan in FIRST]
        steps += [self._space_step(plan, op) for plan in FIRST for op in plan.steps]
        steps += self._interleave(LATER)
        steps += [self._endorse_step(*endorsement) for endorsement in ENDORSEMENTS]
        # The course is written once its cohort space and weekly prompts exist.
        steps += course_steps(user=self._user, spaces=self.spaces, threads=self.threads)
        real_start = timezone.now()
        ends: list[datetime] = []  # when each step finished, in real time
        for step in steps:
            step()
            ends.append(timezone.now())
        start = real_start - timedelta(weeks=WEEKS)
        span = (real_start - timedelta(minutes=40)) - start
        # One moment per step, in its own slice of the span, so order is kept.
        moments = [
            (start + span * ((index + self.rng.uniform(0.1, 0.9)) / len(steps))).replace(
                microsecond=0
            )
            for index in range(len(steps))
        ]
        self._backdate(since=real_start, ends=ends, moments=moments)
        self._finish()

    # --- people ------------------------------------------------------------------------

    def _person_step(self, person: Person) -> Callable[[], None]:
        def step() -> None:
            role = User.OrgRole.ADMIN if person.role == User.OrgRole.ADMIN else None
            user = User.objects.create_user(
                email_of(person), name=person.name, org_role=role or User.OrgRole.MEMBER
            )
            self.users[person.key] = user.pk
            update_profile(editor=user, person=user, **self._profile_fields(person))
            set_skills(editor=user, person=user, claims=_claims(person.skills))
            if person.role not in (User.OrgRole.ADMIN, User.OrgRole.MEMBER):
                change_org_role(actor=self._user(PEOPLE[0].key), person=user, role=person.role)

        return step

    def _profile_fields(self, person: Person) -> dict[str, object]:
        rng = self.rng
        first, last = (slugify(part).replace("-", "") for part in person.name.split()[-2:])
        if person.name.startswith("Dr. "):
            first = slugify(person.name.split()[1])
        technical = person.department in ("Engineering", "Data", "Design")
        phone = ""
        if rng.random() < 0.6:
            digits = f"{rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            phone = f"{COUNTRY_CODES[person.location]} {digits}"
        visibility = ContactVisibility
        return {
            "time_zone": person.time_zone,
            "title": person.title,
            "department": person.department,
            "location": person.location,
            "bio": person.bio,
            "interests": person.interests,
            "phone": phone,
            "chat_handle": f"@{first}.{last[0]}",
            "linkedin_url": f"https://www.linkedin.com/in/{first}-{last}/",
            "github_url": f"https://github.com/{first[0]}{last}" if technical else "",
            "x_url": f"https://x.com/{first}{last[:3]}" if person.on_x else "",
            "website_url": person.website,
            "email_visibility": rng.choices(
                [visibility.ORGANIZATION, visibility.SHARED_SPACE, visibility.ONLY_ME], [16, 3, 1]
            )[0],
            "phone_visibility": rng.choices(
                [visibility.ORGANIZATION, visibility.SHARED_SPACE, visibility.ONLY_ME], [2, 5, 3]
            )[0],
            "chat_visibility": rng.choices(
                [visibility.ORGANIZATION, visibility.SHARED_SPACE], [7, 3]
            )[0],
            "links_visibility": rng.choices(
                [visibility.ORGANIZATION, visibility.SHARED_SPACE], [17, 3]
            )[0],
            # Advocates and learning staff are there to be asked; others vary.
            "open_to_questions": person.role in ("advocate", "staff") or rng.random() < 0.75,
        }

    def _vocabulary_step(self) -> None:
        """The admin adds the names people type for skills, and a few parents."""
        admin = self._user(PEOPLE[0].key)
        for name, aliases in ALIASES.items():
            skill = Skill.objects.get(name=name)
            for alias in aliases:
                add_skill_alias(actor=admin, skill=skill, name=alias)
        for name, parent in PARENTS.items():
            set_skill_parent(
                actor=admin,
                skill=Skill.objects.get(name=name),
                parent=Skill.objects.get(name=parent),
            )

    def _endorse_step(
        self, endorser: str, person: str, skill: str, note: str
    ) -> Callable[[], None]:
        def step() -> None:
            expert_actions.endorse_skill(
                endorser=self._user(endorser),
                person=self._user(person),
                skill=Skill.objects.get(name=skill),
                note=note,
            )

        return step

    # --- spaces ------------------------------------------------------------------------

    def _interleave(self, plans: list[SpacePlan]) -> list[Callable[[], None]]:
        """Merge the plans' steps: spaces open one after another, steps mix at random.

        A plan opens with its creation step, so a child space (a project team
        inside a course) is always created after its parent.
        """
        waiting = deque(plans)
        running: list[tuple[SpacePlan, deque[Step]]] = []
        merged: list[Callable[[], None]] = []
        while waiting or running:
            if waiting and (not running or self.rng.random() < 0.12):
                plan = waiting.popleft()
                merged.append(self._space_step(plan, ("create",)))
                running.append((plan, deque(plan.steps)))
                continue
            index = self.rng.randrange(len(running))
            plan, queue = running[index]
            merged.append(self._space_step(plan, queue.popleft()))
            if not queue:
                running.pop(index)
        return merged

    def _space_step(self, plan: SpacePlan, op: Step) -> Callable[[], None]:
        def step() -> None:
            verb, *args = op
            if verb == "create":
                self._create(plan)
                return
            space = Space.objects.get(pk=self.spaces[plan.key])
            owner = self._user(plan.owner)
            person = (
                self._user(args[0])
                if args and isinstance(args[0], str) and args[0] in self.users
                else None
            )
            if verb == "join":
                space_actions.join_space(user=person, space=space)
            elif verb == "invite":
                role = args[1]
                space_actions.invite(
                    actor=owner,
                    space=space,
                    user=person,
                    role=role,
                    message=INVITE_MESSAGES[role],
                )
            elif verb == "invite_email":
                space_actions.invite(actor=owner, space=space, email=args[0], role=args[1])
            elif verb == "accept":
                invitation = Invitation.objects.get(
                    space=space, invitee=person, status=Invitation.Status.PENDING
                )
                space_actions.accept_invitation(user=person, invitation=invitation)
            elif verb == "request":
                space_actions.request_to_join(user=person, space=space, message=REQUEST_MESSAGE)
            elif verb in ("approve", "decline"):
                join_request = JoinRequest.objects.get(
                    space=space, user=person, status=JoinRequest.Status.PENDING
                )
                space_actions.decide_join_request(
                    actor=owner, join_request=join_request, approve=verb == "approve"
                )
            elif verb == "role":
                space_actions.change_role(actor=owner, space=space, user=person, role=args[1])
            elif verb == "leave":
                space_actions.leave_space(user=person, space=space)
            elif verb == "update":
                changes = {name: self._text(value) for name, value in args[0].items()}
                space_actions.update_space(actor=owner, space=space, **changes)
            elif verb == "archive":
                space_actions.update_space(actor=owner, space=space, status=Space.Status.ARCHIVED)
            elif verb in TALK_VERBS:
                self._talk(verb, space=space, person=person, args=args[1:])
            else:
                raise ValueError(f"Unknown demo step {op!r} in {plan.key}")

        return step

    def _talk(self, verb: str, *, space: Space, person: User | None, args: tuple) -> None:
        """Run one discussion step (see `agora.demo.discussions`)."""
        if person is None:
            raise ValueError(f"Unknown person in demo step {verb} {args!r}")
        if verb == "thread":
            key, kind, title, body, *options = args
            extra = dict(options[0]) if options else {}
            if "skills" in extra:
                extra["skills"] = [Skill.objects.get(name=name) for name in extra["skills"]]
            if extra.pop("video", False):
                extra.update(demo_clip() or {})
            thread = discussion_actions.start_thread(
                author=person,
                space=space,
                kind=kind,
                title=self._text(title),
                body=self._text(body),
                **extra,
            )
            self.threads[key] = thread.pk
        elif verb == "reply":
            key, thread_key, parent_key, stance, body = args
            reply = discussion_actions.post_reply(
                author=person,
                thread=Thread.objects.get(pk=self.threads[thread_key]),
                parent=Reply.objects.get(pk=self.replies[parent_key]) if parent_key else None,
                stance=stance,
                body=body,
            )
            self.replies[key] = reply.pk
        elif verb == "react":
            reply = Reply.objects.get(pk=self.replies[args[0]])
            discussion_actions.react(user=person, reply=reply, kind=args[1])
        elif verb == "endorse":
            reply = Reply.objects.get(pk=self.replies[args[0]])
            discussion_actions.endorse_reply(actor=person, reply=reply)
        elif verb == "accept_answer":
            thread = Thread.objects.get(pk=self.threads[args[0]])
            reply = Reply.objects.get(pk=self.replies[args[1]])
            discussion_actions.accept_answer(actor=person, thread=thread, reply=reply)
        elif verb == "pin":
            thread = Thread.objects.get(pk=self.threads[args[0]])
            discussion_actions.moderate_thread(actor=person, thread=thread, is_pinned=True)

    def _create(self, plan: SpacePlan) -> None:
        parent = Space.objects.get(pk=self.spaces[plan.parent]) if plan.parent else None
        space = space_actions.create_space(
            creator=self._user(plan.owner),
            name=self._text(plan.name),
            kind=plan.kind,
            visibility=plan.visibility,
            description=self._text(plan.description),
            parent=parent,
            skills=[Skill.objects.get(name=name) for name in plan.skills],
        )
        self.spaces[plan.key] = space.pk

    # --- bookkeeping -------------------------------------------------------------------

    def _text(self, value: object) -> object:
        return value.format(**self.calendar) if isinstance(value, str) else value

    def _user(self, key: str) -> User:
        # A fresh object each time: actions cache space roles on the user object.
        return User.objects.get(pk=self.users[key])

    def _backdate(self, *, since: datetime, ends: list[datetime], moments: list[datetime]) -> None:
        """Move each timestamp written during step i (before ``ends[i]``) to ``moments[i]``."""
        for model, name in TIMESTAMPS:
            rows = list(model.objects.filter(**{f"{name}__gte": since}).only("pk", name))
            for row in rows:
                index = min(bisect_left(ends, getattr(row, name)), len(ends) - 1)
                setattr(row, name, moments[index])
            model.objects.bulk_update(rows, [name], batch_size=200)

    def _finish(self) -> None:
        user_ids = list(self.users.values())
        User.objects.filter(pk__in=user_ids).update(password=make_password(DEMO_PASSWORD))
        EmailAddress.objects.bulk_create(
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in User.objects.filter(pk__in=user_ids).values_list("pk", "email")
        )
        # Listeners keep last_activity_at current as events are delivered; the
        # backdated events are older than "now", so set it from them here.
        newest = Event.objects.filter(space=OuterRef("pk")).order_by("-created_at")
        Space.objects.filter(pk__in=self.spaces.values()).update(
            last_activity_at=Subquery(newest.values("created_at")[:1])
        )
        self.event_count = Event.objects.filter(actor_id__in=user_ids).count()
        # Events reach the listeners later (the worker); the expertise the
        # people pages and the expert search rank by is computed now, from the
        # backdated evidence.
        scoring.refresh_everyone()


SEASONS = ["Winter", "Winter", "Spring", "Spring", "Spring", "Summer"]
SEASONS += ["Summer", "Summer", "Autumn", "Autumn", "Autumn", "Winter"]


def _calendar(start: date) -> dict[str, str]:
    """Name the current and previous cohorts after the season `start` falls in."""
    before = start - timedelta(days=91)
    return {
        "cohort": f"{SEASONS[start.month - 1]} {start.year}",
        "previous_cohort": f"{SEASONS[before.month - 1]} {before.year}",
        "year": str(start.year),
        "next_year": str(start.year + 1),
    }


def _claims(skills: str) -> list[dict[str, object]]:
    """Parse ``"SQL:expert:12; Python:learning:1"`` into skill claims."""
    claims = []
    for item in skills.split(";"):
        name, level, years = (part.strip() for part in item.split(":"))
        claims.append({"skill": name, "level": level, "years": int(years)})
    return claims
