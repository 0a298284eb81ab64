"""Build a believable organization fast: Faker names, `bulk_create` rows.

This bypasses the actions for speed, so it writes by hand what they would:
every person has a profile, a verified primary email address and a few
skills; every space has a facilitator, memberships with the right
`member_count` and `last_activity_at`; every event carries the snapshot
data the feed reads (``space_name``, ``space_slug``, ``user_name``…) and is
marked delivered to the listeners of its verb, as the dispatcher would.

Space 0 (``commons``) is the busy space the bench measures: an open
community with a fifth of the organization in it. Person 1 is the member the
bench signs in as; person 0 is an org admin. In the busy space, one
discussion has `THREAD_REPLIES` replies (responses and comments, with
stances, reactions, endorsements and edits, some of them the viewer's) and
another starts empty: the bench posts its replies there.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from agora.accounts.models import OrgSettings, Profile, Skill, SkillClaim, User
from agora.core.events import listeners_for
from agora.core.markdown import render_markdown
from agora.core.models import Event
from agora.discussions.models import Reaction, Reply, Thread
from agora.spaces.models import Membership, Space
from bench.scale import Scale

PASSWORD = "bench-password-2026"  # noqa: S105 (bench data only)
VIEWER_EMAIL = "viewer@bench.agora.test"
ADMIN_EMAIL = "admin@bench.agora.test"
BUSY_SPACE_SLUG = "commons"
BATCH = 1000
THREAD_REPLIES = 200

DEPARTMENTS = [
    "Engineering",
    "Data Science",
    "Product",
    "Design",
    "Marketing",
    "Sales",
    "Customer Success",
    "Finance",
    "People & Culture",
    "Legal",
    "Operations",
    "Research",
    "Security",
    "Learning & Development",
]
LOCATIONS = {
    "Amsterdam": "Europe/Amsterdam",
    "Austin": "America/Chicago",
    "Bangalore": "Asia/Kolkata",
    "Berlin": "Europe/Berlin",
    "Boston": "America/New_York",
    "Buenos Aires": "America/Argentina/Buenos_Aires",
    "Lagos": "Africa/Lagos",
    "Lisbon": "Europe/Lisbon",
    "London": "Europe/London",
    "Nairobi": "Africa/Nairobi",
    "New York": "America/New_York",
    "São Paulo": "America/Sao_Paulo",
    "Singapore": "Asia/Singapore",
    "Sydney": "Australia/Sydney",
    "Tokyo": "Asia/Tokyo",
    "Toronto": "America/Toronto",
    "Remote": "UTC",
}
SKILLS = [
    "Python",
    "Django",
    "SQL",
    "PostgreSQL",
    "Data analysis",
    "Machine learning",
    "Statistics",
    "Public speaking",
    "Facilitation",
    "Coaching",
    "Mentoring",
    "Project management",
    "Product discovery",
    "User research",
    "Accessibility",
    "UX writing",
    "Technical writing",
    "Negotiation",
    "Budgeting",
    "Forecasting",
    "Contract law",
    "Privacy law",
    "Recruiting",
    "Onboarding",
    "Kubernetes",
    "Terraform",
    "Security reviews",
    "Incident response",
    "Go",
    "Rust",
    "TypeScript",
    "React",
    "Figma",
    "Illustration",
    "Copywriting",
    "Search engine optimization",
    "Customer interviews",
    "Sales engineering",
    "Account management",
    "Change management",
    "Lean",
    "Supply chain",
    "Spreadsheets",
    "Data visualization",
    "Spanish",
    "French",
    "German",
    "Japanese",
]
TERMS = ["Spring 2026", "Summer 2026", "Autumn 2026", "Winter 2027"]
KIND_WEIGHTS = {
    Space.Kind.COURSE: 30,
    Space.Kind.PROJECT: 30,
    Space.Kind.NETWORK: 10,
    Space.Kind.CIRCLE: 15,
    Space.Kind.COMMUNITY: 15,
}
VISIBILITY_WEIGHTS = {
    Space.Visibility.OPEN: 60,
    Space.Visibility.PRIVATE: 30,
    Space.Visibility.SECRET: 10,
}


@dataclass
class Generated:
    """What was built, and the rows the bench measures."""

    viewer_id: int
    admin_id: int
    busy_space_slug: str
    # The busy space's long thread, and the empty one the bench posts into.
    thread_id: int = 0
    posting_thread_id: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class _Clock:
    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self.last = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        self.log(f"    {what}: {now - self.last:.1f} s")
        self.last = now


@dataclass
class _SpacePlan:
    name: str
    slug: str
    kind: str
    visibility: str
    archived: bool
    created_at: datetime
    creator: int  # index into people
    description: tuple[str, str] = ("", "")  # Markdown and its HTML
    parent: int | None = None  # index into spaces
    members: dict[int, tuple[str, datetime]] = field(default_factory=dict)  # person -> role, time
    last_activity_at: datetime | None = None


@dataclass
class _EventPlan:
    created_at: datetime
    verb: str
    actor: int  # index into people
    # ("space", space index), ("membership", (space index, person index)),
    # ("user", person index), or None.
    target: tuple[str, Any] | None
    space: int | None
    data: dict[str, Any]


def generate(scale: Scale, *, seed: int = 2026, log: Callable[[str], None] = print) -> Generated:
    """Fill an empty database with an organization of `scale`'s size; return what it built.

    Raises RuntimeError when the database already has people.
    """
    if User.objects.exists():
        raise RuntimeError("The bench generates into an empty database; this one has people.")
    builder = _Builder(scale, seed, log)
    with transaction.atomic():
        return builder.build()


class _Builder:
    def __init__(self, scale: Scale, seed: int, log: Callable[[str], None]) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)
        self.log = log
        # Everything happened in the past; the newest event is minutes old.
        self.now = timezone.now().replace(microsecond=0) - timedelta(minutes=5)
        self.location_of: list[str] = []  # per person index
        self.skills_of: dict[int, list[str]] = {}  # person index -> skill names

    # --- helpers -----------------------------------------------------------

    def _between(self, start: datetime, end: datetime) -> datetime:
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span))

    def _markdown_pool(self, size: int, paragraphs: int) -> list[tuple[str, str]]:
        """Markdown texts with their rendered HTML (rendering is the slow part, so reuse)."""
        pool = []
        for _ in range(size):
            parts = [self.fake.paragraph(nb_sentences=self.rng.randint(2, 5))]
            parts += [self.fake.paragraph() for _ in range(self.rng.randint(0, paragraphs - 1))]
            if self.rng.random() < 0.3:
                parts.append("\n".join(f"- {self.fake.sentence()}" for _ in range(3)))
            text = "\n\n".join(parts)
            pool.append((text, render_markdown(text)))
        return pool

    # --- the build -----------------------------------------------------------

    def build(self) -> Generated:
        clock = _Clock(self.log)
        people = self._people()
        skills = self._skills(people)
        clock.lap("people, profiles, emails, skills")
        spaces = self._plan_spaces(people)
        events = self._plan_events(people, spaces)
        clock.lap("planned spaces and events")
        space_rows = self._create_spaces(people, spaces)
        membership_ids = self._create_memberships(people, spaces, space_rows)
        clock.lap("spaces and memberships")
        self._create_events(people, space_rows, membership_ids, events)
        OrgSettings.load()
        clock.lap("events")
        thread, posting, replies, reactions = self._discussion(people, spaces[0], space_rows[0])
        clock.lap("discussion")
        counts = {
            "people": len(people),
            "skills": len(skills),
            "spaces": len(spaces),
            "memberships": len(membership_ids),
            "events": len(events),
            "replies": replies,
            "reactions": reactions,
        }
        return Generated(
            viewer_id=people[1].pk,
            admin_id=people[0].pk,
            busy_space_slug=spaces[0].slug,
            thread_id=thread.pk,
            posting_thread_id=posting.pk,
            counts=counts,
        )

    def _people(self) -> list[User]:
        count = self.scale.people
        if count < 10:
            raise ValueError("The bench needs at least 10 people.")
        password = make_password(PASSWORD)
        roles = (
            [User.OrgRole.ADMIN, User.OrgRole.MEMBER]
            + [User.OrgRole.ADMIN] * max(0, count // 500 - 1)
            + [User.OrgRole.STAFF] * (count * 3 // 100 + 1)
            + [User.OrgRole.ADVOCATE] * (count * 2 // 100 + 1)
            + [User.OrgRole.GUEST] * (count * 3 // 100 + 1)
        )
        roles += [User.OrgRole.MEMBER] * (count - len(roles))
        fixed = roles[:2]
        rest = roles[2:]
        self.rng.shuffle(rest)
        roles = fixed + rest
        users = []
        locations = list(LOCATIONS)
        for i, role in enumerate(roles):
            if i == 0:
                name, email = "Ada Admin", ADMIN_EMAIL
            elif i == 1:
                name, email = "Vera Viewer", VIEWER_EMAIL
            else:
                name = f"{self.fake.first_name()} {self.fake.last_name()}"
                email = f"{slugify(name).replace('-', '.')}.{i}@bench.agora.test"
            location = self.rng.choice(locations)
            self.location_of.append(location)
            users.append(
                User(
                    email=email,
                    name=name,
                    # bulk_create skips User.save, which makes handles; unique by index.
                    handle=f"{slugify(name)[:20].strip('-')}-{i}",
                    org_role=role,
                    # One in a hundred has left the organization (never the fixed two).
                    is_active=i < 2 or self.rng.random() >= 0.01,
                    is_superuser=False,
                    password=password,
                    date_joined=self.now - timedelta(days=self.rng.randint(730, 1100)),
                    time_zone=LOCATIONS[location],
                )
            )
        users = User.objects.bulk_create(users, batch_size=BATCH)
        bios = self._markdown_pool(min(200, count), paragraphs=2)
        interests = [", ".join(self.fake.words(nb=self.rng.randint(1, 4))) for _ in range(100)]
        profiles = []
        for i, user in enumerate(users):
            bio, bio_html = self.rng.choice(bios) if self.rng.random() < 0.8 else ("", "")
            first = slugify(user.name.split()[0]) or "person"
            profiles.append(
                Profile(
                    user=user,
                    title=self.fake.job()[:120],
                    department=self.rng.choice(DEPARTMENTS),
                    location=self.location_of[i],
                    bio=bio,
                    bio_html=bio_html,
                    interests=self.rng.choice(interests),
                    phone=f"+44 20 7946 {self.rng.randint(0, 9999):04d}"
                    if self.rng.random() < 0.3
                    else "",
                    chat_handle=f"@{first}.{user.pk}" if self.rng.random() < 0.6 else "",
                    github_url=f"https://github.com/{first}{user.pk}"
                    if self.rng.random() < 0.2
                    else "",
                    open_to_questions=self.rng.random() < 0.7,
                )
            )
        Profile.objects.bulk_create(profiles, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=BATCH,
        )
        return users

    def _skills(self, people: list[User]) -> list[Skill]:
        skills = Skill.objects.bulk_create([Skill(name=n, slug=slugify(n)) for n in SKILLS])
        claims = []
        levels = SkillClaim.Level.values
        for i, person in enumerate(people):
            chosen = self.rng.sample(skills, self.rng.randint(0, 4))
            self.skills_of[i] = sorted(s.name for s in chosen)
            claims += [
                SkillClaim(
                    user=person,
                    skill=skill,
                    level=self.rng.choice(levels),
                    years=self.rng.choice([None, *range(1, 16)]),
                    created_at=person.date_joined + timedelta(days=self.rng.randint(1, 300)),
                )
                for skill in chosen
            ]
        SkillClaim.objects.bulk_create(claims, batch_size=BATCH)
        return skills

    def _space_name(self, kind: str) -> str:
        topic = self.rng.choice(SKILLS)
        if kind == Space.Kind.COURSE:
            return f"{topic} {self.rng.choice([101, 201, 301])} · {self.rng.choice(TERMS)}"
        if kind == Space.Kind.PROJECT:
            return f"{self.fake.catch_phrase()[:90]} project"
        if kind == Space.Kind.NETWORK:
            return f"{topic} network"
        if kind == Space.Kind.CIRCLE:
            return f"{self.fake.first_name()}'s {topic.lower()} circle"
        return f"{topic} community of practice"

    def _plan_spaces(self, people: list[User]) -> list[_SpacePlan]:
        count = self.scale.spaces
        if count < 15:
            raise ValueError("The bench needs at least 15 spaces (every kind and visibility).")
        active = [i for i, p in enumerate(people) if p.is_active]
        hosts = [i for i in active if people[i].org_role != User.OrgRole.GUEST]
        # Staff and admins may create any kind, members all but courses.
        course_hosts = [
            i for i in hosts if people[i].org_role in (User.OrgRole.ADMIN, User.OrgRole.STAFF)
        ]
        guests = [i for i in active if people[i].org_role == User.OrgRole.GUEST]
        combos = [(k, v) for k in Space.Kind.values for v in Space.Visibility.values]
        descriptions = self._markdown_pool(min(100, count), paragraphs=3)
        spaces: list[_SpacePlan] = []
        for i in range(count):
            if i == 0:
                kind, visibility = Space.Kind.COMMUNITY, Space.Visibility.OPEN
            elif i <= len(combos):
                kind, visibility = combos[i - 1]
            else:
                kind = self.rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
                visibility = self.rng.choices(
                    list(VISIBILITY_WEIGHTS), list(VISIBILITY_WEIGHTS.values())
                )[0]
            name = "Commons" if i == 0 else self._space_name(kind)
            slug = BUSY_SPACE_SLUG if i == 0 else f"{slugify(name)[:60].strip('-')}-{i}"
            creator = 0 if i == 0 else self.rng.choice(course_hosts if kind == "course" else hosts)
            created_at = self.now - timedelta(days=self.rng.randint(30, 700))
            plan = _SpacePlan(
                name=name,
                slug=slug,
                kind=kind,
                visibility=visibility,
                # Index 0 and the first of each combination stay active.
                archived=i > len(combos) and self.rng.random() < 0.05,
                created_at=created_at,
                creator=creator,
                description=self.rng.choice(descriptions),
            )
            plan.members[creator] = (Membership.Role.FACILITATOR, created_at)
            size = self._space_size(i, len(hosts))
            for person in self.rng.sample(hosts, min(size, len(hosts))):
                plan.members.setdefault(
                    person, (Membership.Role.MEMBER, self._between(created_at, self.now))
                )
            # One or two more facilitators in bigger spaces (promoted after joining).
            members = [p for p, (role, _at) in plan.members.items() if role != "facilitator"]
            for person in members[: self.rng.choice([0, 0, 1, 2]) if len(members) > 6 else 0]:
                plan.members[person] = (Membership.Role.FACILITATOR, plan.members[person][1])
            # Outside guests come in by invitation, as guests.
            if guests and kind != Space.Kind.COMMUNITY and self.rng.random() < 0.2:
                guest = self.rng.choice(guests)
                plan.members.setdefault(
                    guest, (Membership.Role.GUEST, self._between(created_at, self.now))
                )
            spaces.append(plan)
        # The signed-in member belongs to the busy space and a handful of others.
        for plan in [spaces[0], *self.rng.sample(spaces[1:], min(8, count - 1))]:
            plan.members.setdefault(
                1, (Membership.Role.MEMBER, self._between(plan.created_at, self.now))
            )
        # About a third of project teams sit inside a course.
        courses = [i for i, s in enumerate(spaces) if s.kind == Space.Kind.COURSE]
        for plan in spaces:
            if plan.kind == Space.Kind.PROJECT and courses and self.rng.random() < 0.35:
                plan.parent = self.rng.choice(courses)
        return spaces

    def _space_size(self, index: int, population: int) -> int:
        """Most spaces are small, a few large; the busy space is the largest."""
        busiest = max(10, population // 5)
        if index == 0:
            return busiest
        roll = self.rng.random()
        if roll < 0.70:
            size = self.rng.randint(3, 25)
        elif roll < 0.95:
            size = self.rng.randint(25, 120)
        else:
            size = self.rng.randint(120, 600)
        return min(size, busiest - 5)

    def _plan_events(self, people: list[User], spaces: list[_SpacePlan]) -> list[_EventPlan]:
        events: list[_EventPlan] = []

        def snapshot(s: int) -> dict[str, str]:
            return {"space_name": spaces[s].name, "space_slug": spaces[s].slug}

        for s, plan in enumerate(spaces):
            events.append(
                _EventPlan(
                    plan.created_at, "space.created", plan.creator, ("space", s), s, snapshot(s)
                )
            )
            for person, (role, joined_at) in plan.members.items():
                if person == plan.creator:
                    continue
                data = snapshot(s)
                if role == Membership.Role.GUEST or plan.visibility == Space.Visibility.SECRET:
                    data["via"] = "invitation"
                elif plan.visibility == Space.Visibility.PRIVATE:
                    data["via"] = "request"
                    data["approved_by"] = people[plan.creator].name
                membership = ("membership", (s, person))
                events.append(_EventPlan(joined_at, "space.joined", person, membership, s, data))
                if role == Membership.Role.FACILITATOR:
                    events.append(
                        _EventPlan(
                            self._between(joined_at, self.now),
                            "member.role_changed",
                            plan.creator,
                            membership,
                            s,
                            {
                                "user_id": people[person].pk,
                                "user_name": people[person].name,
                                "old": Membership.Role.MEMBER,
                                "new": Membership.Role.FACILITATOR,
                                **snapshot(s),
                            },
                        )
                    )
        archived = [s for s, plan in enumerate(spaces) if plan.archived]
        remaining = self.scale.events - len(events) - len(archived)
        if remaining < 0:
            raise ValueError(
                f"{self.scale.events} events are too few for {len(events)} joins and creations."
            )
        events += self._activity(people, spaces, remaining)
        # Archiving comes last in an archived space's life.
        last: dict[int, datetime] = {}
        for event in events:
            if event.space is not None:
                last[event.space] = max(last.get(event.space, event.created_at), event.created_at)
        for s in archived:
            events.append(
                _EventPlan(
                    min(self.now, last[s] + timedelta(hours=1)),
                    "space.archived",
                    spaces[s].creator,
                    ("space", s),
                    s,
                    snapshot(s),
                )
            )
        events.sort(key=lambda e: e.created_at)
        for event in events:
            if event.space is not None:
                spaces[event.space].last_activity_at = event.created_at
        return events

    def _activity(
        self, people: list[User], spaces: list[_SpacePlan], count: int
    ) -> list[_EventPlan]:
        """Everyday events: people join and leave open spaces, facilitators
        edit their spaces, people update their profiles and skills."""
        events: list[_EventPlan] = []
        active = [s for s, p in enumerate(spaces) if not p.archived]
        open_active = [s for s in active if spaces[s].visibility == Space.Visibility.OPEN]
        # Busy spaces get more of the activity.
        weights = [len(spaces[s].members) for s in open_active]
        joiners = [
            i for i, p in enumerate(people) if p.is_active and p.org_role != User.OrgRole.GUEST
        ]
        fields = ["title", "bio", "department", "location", "interests", "phone"]
        while len(events) < count:
            roll = self.rng.random()
            if roll < 0.45 and count - len(events) >= 2 and open_active:
                s = self.rng.choices(open_active, weights)[0]
                plan = spaces[s]
                person = self.rng.choice(joiners)
                if person in plan.members:
                    continue
                joined = self._between(plan.created_at, self.now)
                left = self._between(joined, self.now)
                data = {"space_name": plan.name, "space_slug": plan.slug}
                # The membership is gone; its event points at the space, as leave_space records.
                events.append(_EventPlan(joined, "space.joined", person, ("space", s), s, data))
                events.append(_EventPlan(left, "space.left", person, ("space", s), s, dict(data)))
            elif roll < 0.65:
                s = self.rng.choice(active)
                plan = spaces[s]
                events.append(
                    _EventPlan(
                        self._between(plan.created_at, self.now),
                        "space.updated",
                        plan.creator,
                        ("space", s),
                        s,
                        {
                            "fields": sorted(self.rng.sample(["name", "description", "kind"], 1)),
                            "space_name": plan.name,
                            "space_slug": plan.slug,
                        },
                    )
                )
            elif roll < 0.9:
                person = self.rng.randrange(len(people))
                events.append(
                    _EventPlan(
                        self._between(people[person].date_joined, self.now),
                        "profile.updated",
                        person,
                        ("user", person),
                        None,
                        {"fields": sorted(self.rng.sample(fields, self.rng.randint(1, 3)))},
                    )
                )
            else:
                person = self.rng.randrange(len(people))
                events.append(
                    _EventPlan(
                        self._between(people[person].date_joined, self.now),
                        "profile.skills_changed",
                        person,
                        ("user", person),
                        None,
                        {"skills": self.skills_of[person]},
                    )
                )
        return events

    def _create_spaces(self, people: list[User], spaces: list[_SpacePlan]) -> list[Space]:
        rows = [
            Space(
                name=plan.name,
                slug=plan.slug,
                description=plan.description[0],
                description_html=plan.description[1],
                kind=plan.kind,
                visibility=plan.visibility,
                status=Space.Status.ARCHIVED if plan.archived else Space.Status.ACTIVE,
                created_by=people[plan.creator],
                created_at=plan.created_at,
                last_activity_at=plan.last_activity_at or plan.created_at,
                member_count=len(plan.members),
            )
            for plan in spaces
        ]
        rows = Space.objects.bulk_create(rows, batch_size=BATCH)
        children = []
        for row, plan in zip(rows, spaces, strict=True):
            if plan.parent is not None:
                row.parent = rows[plan.parent]
                children.append(row)
        Space.objects.bulk_update(children, ["parent"], batch_size=BATCH)
        return rows

    def _create_memberships(
        self, people: list[User], spaces: list[_SpacePlan], rows: list[Space]
    ) -> dict[tuple[int, int], int]:
        keys = []
        memberships = []
        for s, plan in enumerate(spaces):
            for person, (role, joined_at) in plan.members.items():
                keys.append((s, person))
                memberships.append(
                    Membership(space=rows[s], user=people[person], role=role, created_at=joined_at)
                )
        memberships = Membership.objects.bulk_create(memberships, batch_size=BATCH)
        return {key: m.pk for key, m in zip(keys, memberships, strict=True)}

    def _create_events(
        self,
        people: list[User],
        spaces: list[Space],
        membership_ids: dict[tuple[int, int], int],
        events: list[_EventPlan],
    ) -> None:
        content_types = {
            "space": ContentType.objects.get_for_model(Space),
            "membership": ContentType.objects.get_for_model(Membership),
            "user": ContentType.objects.get_for_model(User),
        }
        verbs = {plan.verb for plan in events}
        delivered_to = {verb: sorted(n for n, _f in listeners_for(verb)) for verb in verbs}

        def target_id(kind: str, ref: Any) -> int:
            if kind == "space":
                return spaces[ref].pk
            if kind == "membership":
                return membership_ids[ref]
            return people[ref].pk

        def rows() -> Iterator[Event]:
            for plan in events:
                kind, ref = plan.target if plan.target else (None, None)
                yield Event(
                    actor=people[plan.actor],
                    verb=plan.verb,
                    target_type=content_types[kind] if kind else None,
                    target_id=target_id(kind, ref) if kind else None,
                    space=spaces[plan.space] if plan.space is not None else None,
                    data=plan.data,
                    created_at=plan.created_at,
                    delivered_at=plan.created_at + timedelta(milliseconds=self.rng.randint(5, 900)),
                    delivered_to=delivered_to[plan.verb],
                )

        batch: list[Event] = []
        for event in rows():
            batch.append(event)
            if len(batch) == 5 * BATCH:
                Event.objects.bulk_create(batch, batch_size=BATCH)
                batch = []
        Event.objects.bulk_create(batch, batch_size=BATCH)

    def _discussion(
        self, people: list[User], plan: _SpacePlan, space: Space
    ) -> tuple[Thread, Thread, int, int]:
        """The busy space's long thread and the empty one posted into; return
        both, with the numbers of replies and reactions written.

        Counters are kept as the actions keep them: the thread counts its
        replies and stances, a reply its reactions (one row per reaction).
        """
        members = sorted(
            p
            for p, (role, _at) in plan.members.items()
            if people[p].is_active and role != Membership.Role.GUEST
        )
        facilitators = [p for p in members if plan.members[p][0] == Membership.Role.FACILITATOR]
        texts = self._markdown_pool(60, paragraphs=3)
        started = self.now - timedelta(days=20)
        body, body_html = self.rng.choice(texts)
        thread = Thread.objects.create(
            space=space,
            author=people[plan.creator],
            kind=Thread.Kind.DISCUSSION,
            title="What should our next community meetup be about?",
            body=body,
            body_html=body_html,
            created_at=started,
            last_activity_at=started,
        )
        posting = Thread.objects.create(
            space=space,
            author=people[plan.creator],
            kind=Thread.Kind.DISCUSSION,
            title="Introduce yourself",
            body="Say hello: who you are and what you work on.",
            body_html=render_markdown("Say hello: who you are and what you work on."),
            created_at=started,
            last_activity_at=started,
        )
        times = sorted(
            self._between(started, self.now - timedelta(hours=1)) for _ in range(THREAD_REPLIES)
        )
        # One reply in five is a comment on an earlier response; the viewer wrote a few.
        is_comment = [n > 0 and self.rng.random() < 0.2 for n in range(THREAD_REPLIES)]

        def reply(n: int, parent: Reply | None) -> Reply:
            body, body_html = self.rng.choice(texts)
            author = 1 if n % 25 == 3 else self.rng.choice(members)
            endorsed = parent is None and facilitators and self.rng.random() < 0.05
            return Reply(
                thread=thread,
                parent=parent,
                author=people[author],
                body=body,
                body_html=body_html,
                # In a discussion only a comment may take a stance.
                stance=self.rng.choice(["agree", "disagree", "alternative"])
                if parent is not None and self.rng.random() < 0.5
                else "",
                endorsed_by=people[self.rng.choice(facilitators)] if endorsed else None,
                endorsed_at=times[n] + timedelta(hours=2) if endorsed else None,
                created_at=times[n],
                edited_at=times[n] + timedelta(minutes=30) if self.rng.random() < 0.1 else None,
            )

        responses = Reply.objects.bulk_create(
            [reply(n, None) for n in range(THREAD_REPLIES) if not is_comment[n]]
        )
        comments = []
        for n in range(THREAD_REPLIES):
            if is_comment[n]:
                earlier = [r for r in responses if r.created_at <= times[n]]
                comments.append(reply(n, self.rng.choice(earlier)))
        comments = Reply.objects.bulk_create(comments)
        replies = responses + comments
        reactions = []
        counters = {"helpful": "helpful_count", "insightful": "insightful_count"}
        counters["thanks"] = "thanks_count"
        for row in replies:
            reactors = [p for p in members if people[p].pk != row.author_id]
            chosen = self.rng.sample(reactors, min(len(reactors), self.rng.choice([0, 0, 1, 2, 5])))
            if row.author_id != people[1].pk and 1 not in chosen and self.rng.random() < 0.15:
                chosen.append(1)  # the viewer's own reactions show pressed
            for person in chosen:
                kind = self.rng.choice(list(counters))
                setattr(row, counters[kind], getattr(row, counters[kind]) + 1)
                reactions.append(
                    Reaction(reply=row, user=people[person], kind=kind, created_at=row.created_at)
                )
        Reply.objects.bulk_update(replies, list(counters.values()))
        Reaction.objects.bulk_create(reactions, batch_size=BATCH)
        stances = {"agree": 0, "disagree": 0, "alternative": 0}
        for row in replies:
            if row.stance:
                stances[row.stance] += 1
        Thread.objects.filter(pk=thread.pk).update(
            reply_count=len(replies),
            agree_count=stances["agree"],
            disagree_count=stances["disagree"],
            alternative_count=stances["alternative"],
            last_activity_at=times[-1],
        )
        return thread, posting, len(replies), len(reactions)
