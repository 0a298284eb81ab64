"""A fixed synthetic organization and the queries whose best answers are known.

`build_organization()` writes ~230 people (deterministic: a seeded random
generator, fixed names) straight through the models, in a few seconds: a
skills vocabulary with aliases and parents; fillers with a department, a
title, a bio and a few claims with little evidence; and planted people with
known strengths (accepted answers on tagged questions, endorsements), some
who only claim a skill, one whose only evidence is answers (no claim), one
away, one known by their posts. Expertise and the people index are then
computed as the listeners would.

`QUERIES` pairs each query with the planted people who should come first,
with a grade (3: should be first; 2: next; 1: relevant). `evaluate()` runs
them through `search_people` and returns nDCG@5 and MRR (the reciprocal rank
of the person graded highest).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from agora.accounts.models import Profile, Skill, SkillAlias, SkillClaim, User
from agora.discussions.models import Reply, Thread
from agora.experts import people_index, scoring
from agora.experts.models import SkillEndorsement
from agora.experts.search_queries import search_people
from agora.spaces.models import Space

SEED = 20261129
FILLERS = 205

SKILLS = {
    # name: (aliases, parent)
    "Cloud Infrastructure": ((), None),
    "Kubernetes": (("k8s", "kube8s"), "Cloud Infrastructure"),
    "Terraform": (("tf",), "Cloud Infrastructure"),
    "Docker": ((), "Cloud Infrastructure"),
    "PostgreSQL": (("postgres", "psql"), None),
    "Machine Learning": (("ml",), None),
    "Statistics": (("stats",), None),
    "Python": (("py",), None),
    "Django": ((), "Python"),
    "React": (("reactjs",), None),
    "TypeScript": (("ts",), None),
    "Accessibility": (("a11y",), None),
    "UX Design": (("user experience",), None),
    "Figma": ((), "UX Design"),
    "Go": (("golang",), None),
    "Security": (("infosec", "appsec"), None),
    "Kafka": ((), None),
    "Spark": (("pyspark",), None),
    "Data Engineering": (("etl",), None),
    "GraphQL": ((), None),
    "Negotiation": ((), None),
    "Public Speaking": ((), None),
    "Excel": ((), None),
    "Rust": ((), None),
    "Product Management": (("pm",), None),
    "Java": ((), None),
    "SQL": ((), None),
}

DEPARTMENTS = {
    "Engineering": ("Software Engineer", "Senior Software Engineer", "Engineering Manager"),
    "Platform": ("Platform Engineer", "Systems Administrator"),
    "Data": ("Data Analyst", "Analytics Engineer"),
    "Design": ("Product Designer", "Visual Designer"),
    "Product": ("Product Owner", "Business Analyst"),
    "Sales": ("Account Executive", "Sales Representative"),
    "Finance": ("Accountant", "Controller"),
    "People": ("HR Partner", "Recruiter"),
    "Legal": ("Counsel", "Paralegal"),
    "Marketing": ("Marketing Manager", "Content Strategist"),
}
LOCATIONS = ("Paris", "Lagos", "Toronto", "Berlin", "Singapore", "Austin", "Lisbon")
FIRST = (
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Jamie",
    "Riley",
    "Avery",
    "Drew",
    "Harper",
    "Rowan",
    "Elliot",
    "Noor",
    "Ines",
    "Kai",
    "Leo",
    "Mia",
    "Zoe",
    "Omar",
    "Lina",
    "Yuki",
    "Arjun",
    "Wen",
    "Fatima",
    "Hugo",
    "Ivan",
    "Julia",
    "Kofi",
    "Maya",
    "Nico",
    "Rosa",
    "Sven",
    "Tara",
    "Uma",
    "Vera",
    "Wes",
    "Xena",
    "Yara",
    "Zain",
    "Bea",
    "Cole",
    "Dana",
    "Eli",
    "Faye",
)
LAST = (
    "Smith",
    "Garcia",
    "Nguyen",
    "Kowalski",
    "Silva",
    "Dubois",
    "Novak",
    "Patel",
    "Cohen",
    "Larsen",
    "Moreau",
    "Santos",
    "Weber",
    "Young",
    "Adams",
    "Baker",
    "Clark",
    "Evans",
    "Fischer",
    "Gomez",
    "Hall",
    "Ito",
    "Jones",
    "Khan",
    "Lopez",
    "Mendes",
    "Nakamura",
    "Olsen",
    "Price",
    "Reyes",
    "Schmidt",
    "Torres",
    "Vogel",
    "Walsh",
    "Ward",
    "Zhang",
)
BIOS = (
    "I like solving problems with my team.",
    "Happy to help newcomers find their way around.",
    "Previously worked at a startup; now here for five years.",
    "Coffee, cycling and clear documentation.",
    "I care about good meetings and short feedback loops.",
    "Ask me about our internal tools and processes.",
)


@dataclass
class Planted:
    name: str
    department: str
    title: str
    claims: dict[str, str] = field(default_factory=dict)  # skill → level
    answers: dict[str, int] = field(default_factory=dict)  # skill → accepted answers
    endorsements: dict[str, int] = field(default_factory=dict)
    bio: str = ""
    availability: str = "available"
    posts: tuple[tuple[str, str], ...] = ()  # (title, body) of threads in an open space


PLANTED = {
    "k8s_strong": Planted(
        "Priya Raman",
        "Platform",
        "Site Reliability Engineer",
        {"Kubernetes": "practitioner", "Docker": "practitioner"},
        {"Kubernetes": 6, "Docker": 1},
        {"Kubernetes": 5},
    ),
    "k8s_mid": Planted(
        "Tomas Ortega",
        "Platform",
        "Platform Engineer",
        {"Kubernetes": "practitioner"},
        {"Kubernetes": 2},
        {"Kubernetes": 1},
    ),
    "k8s_claim": Planted(
        "Bob Claimer", "Engineering", "Software Engineer", {"Kubernetes": "expert"}
    ),
    "tf_strong": Planted(
        "Hana Sato",
        "Platform",
        "Infrastructure Engineer",
        {"Terraform": "expert"},
        {"Terraform": 4},
        {"Terraform": 2},
    ),
    "cloud": Planted(
        "Ravi Menon",
        "Platform",
        "Cloud Architect",
        {"Cloud Infrastructure": "expert"},
        {"Cloud Infrastructure": 3},
    ),
    "pg_strong": Planted(
        "Margaret Hamilton",
        "Data",
        "Database Engineer",
        {"PostgreSQL": "expert", "SQL": "expert"},
        {"PostgreSQL": 5},
        bio="Query tuning and replication for PostgreSQL.",
    ),
    "ml_strong": Planted(
        "Amara Okafor",
        "Data",
        "Machine Learning Engineer",
        {"Machine Learning": "expert", "Python": "practitioner"},
        {"Machine Learning": 5},
        {"Machine Learning": 4},
    ),
    "ml_mid": Planted(
        "Lars Jensen",
        "Data",
        "Data Scientist",
        {"Machine Learning": "practitioner", "Statistics": "expert"},
        {"Machine Learning": 1, "Statistics": 3},
        {"Machine Learning": 2},
    ),
    "ml_claim": Planted("Victor Vance", "Data", "Data Analyst", {"Machine Learning": "expert"}),
    "py_dj": Planted(
        "Nadia Haddad",
        "Engineering",
        "Backend Engineer",
        {"Python": "expert", "Django": "expert"},
        {"Python": 3, "Django": 3},
    ),
    "py_only": Planted(
        "Oscar Lindqvist",
        "Engineering",
        "Software Engineer",
        {"Python": "practitioner"},
        {"Python": 2},
    ),
    "fe": Planted(
        "Mei Chen",
        "Engineering",
        "Frontend Engineer",
        {"React": "expert", "TypeScript": "practitioner"},
        {"React": 3, "TypeScript": 2},
    ),
    "a11y": Planted(
        "Ingrid Nilsson",
        "Design",
        "Accessibility Specialist",
        {"Accessibility": "expert"},
        {"Accessibility": 4},
    ),
    "ux": Planted(
        "Sofia Rossi",
        "Design",
        "UX Designer",
        {"UX Design": "expert", "Figma": "practitioner"},
        {"UX Design": 3},
        {"UX Design": 3},
    ),
    "go": Planted("Kenji Tanaka", "Engineering", "Backend Engineer", {"Go": "expert"}, {"Go": 3}),
    "sec": Planted(
        "Dmitri Petrov",
        "Platform",
        "Security Engineer",
        {"Security": "expert"},
        {"Security": 3},
        {"Security": 2},
    ),
    "kafka_evidence": Planted(
        "Aisha Bello",
        "Data",
        "Data Engineer",
        {"Data Engineering": "practitioner"},
        {"Kafka": 4, "Data Engineering": 2},
    ),
    "kafka_claim": Planted("Carl Boast", "Engineering", "Software Engineer", {"Kafka": "expert"}),
    "spark": Planted(
        "Lucia Fernandez", "Data", "Data Engineer", {"Spark": "practitioner"}, {"Spark": 3}
    ),
    "de": Planted(
        "Pedro Alves",
        "Data",
        "Analytics Engineer",
        {"Data Engineering": "expert"},
        {"Data Engineering": 3},
        {"Data Engineering": 1},
    ),
    "graphql": Planted(
        "Nora Lindberg", "Engineering", "API Engineer", {"GraphQL": "expert"}, {"GraphQL": 2}
    ),
    "sales": Planted(
        "Marcus Webb",
        "Sales",
        "Sales Director",
        {"Negotiation": "expert", "Public Speaking": "practitioner"},
        endorsements={"Negotiation": 6, "Public Speaking": 2},
    ),
    "speaker": Planted(
        "Elena Popescu",
        "Marketing",
        "Developer Advocate",
        {"Public Speaking": "expert"},
        {"Public Speaking": 2},
        {"Public Speaking": 4},
    ),
    "finance": Planted(
        "Helen Park", "Finance", "Financial Analyst", {"Excel": "expert"}, {"Excel": 3}
    ),
    "rust_available": Planted(
        "Felix Braun", "Engineering", "Systems Engineer", {"Rust": "expert"}, {"Rust": 2}
    ),
    "rust_away": Planted(
        "Gustav Berg",
        "Engineering",
        "Systems Engineer",
        {"Rust": "expert"},
        {"Rust": 2},
        availability="away",
    ),
    "pm": Planted(
        "Olivia Grant",
        "Product",
        "Product Manager",
        {"Product Management": "expert"},
        {"Product Management": 3},
    ),
    "writer": Planted(
        "Tariq Aziz",
        "Platform",
        "Build Engineer",
        posts=(
            ("Why are our CI pipelines flaky?", "Retries hide flaky tests; here is a list."),
            ("Flaky pipelines, part two", "Caching dependencies fixed most of them."),
        ),
    ),
}

# (query, {planted key: grade})
QUERIES: list[tuple[str, dict[str, int]]] = [
    ("kubernetes", {"k8s_strong": 3, "k8s_mid": 2, "k8s_claim": 1}),
    ("k8s", {"k8s_strong": 3, "k8s_mid": 2, "k8s_claim": 1}),
    ("kube", {"k8s_strong": 3, "k8s_mid": 2, "k8s_claim": 1}),
    ("KUBERNETES", {"k8s_strong": 3, "k8s_mid": 2, "k8s_claim": 1}),
    ("terraform", {"tf_strong": 3}),
    ("tf", {"tf_strong": 3}),
    ("postgres", {"pg_strong": 3}),
    ("postgresql tuning", {"pg_strong": 3}),
    ("machine learning", {"ml_strong": 3, "ml_mid": 2, "ml_claim": 1}),
    ("ml", {"ml_strong": 3, "ml_mid": 2, "ml_claim": 1}),
    ("machine lea", {"ml_strong": 3, "ml_mid": 2, "ml_claim": 1}),
    ("python django", {"py_dj": 3}),
    ("python", {"py_dj": 3, "py_only": 2, "ml_strong": 1}),
    ("react typescript", {"fe": 3}),
    ("a11y", {"a11y": 3}),
    ("accessibility", {"a11y": 3}),
    ("ux design", {"ux": 3}),
    ("golang", {"go": 3}),
    ("infosec", {"sec": 3}),
    ("security engineer", {"sec": 3}),
    ("kafka", {"kafka_evidence": 3, "kafka_claim": 1}),
    ("spark", {"spark": 3}),
    ("data engineering", {"de": 3, "kafka_evidence": 2}),
    ("graphql", {"graphql": 3}),
    ("negotiation", {"sales": 3}),
    ("public speaking", {"speaker": 3, "sales": 2}),
    ("excel", {"finance": 3}),
    ("rust", {"rust_available": 3, "rust_away": 2}),
    ("product management", {"pm": 3}),
    ("Priya Ramen", {"k8s_strong": 3}),
    ("Hamiltn", {"pg_strong": 3}),
    ("Oretga", {"k8s_mid": 3}),
    ("margaret", {"pg_strong": 3}),
    ("flaky pipelines", {"writer": 3}),
    ("site reliability", {"k8s_strong": 3}),
    ("cloud infrastructure", {"cloud": 3}),
    ("statistics", {"ml_mid": 3}),
]


def build_organization() -> tuple[User, dict[str, User]]:
    """Write the organization; return a member to search as, and the planted people."""
    rng = random.Random(SEED)
    now = timezone.now()
    skills = {name: Skill.objects.create(name=name) for name in SKILLS}
    for name, (aliases, parent) in SKILLS.items():
        if parent:
            Skill.objects.filter(pk=skills[name].pk).update(parent=skills[parent])
        SkillAlias.objects.bulk_create(
            [SkillAlias(skill=skills[name], name=alias) for alias in aliases]
        )

    users: list[User] = []
    profiles: list[dict] = []
    taken = {spec.name for spec in PLANTED.values()}
    names = [f"{first} {last}" for first in FIRST for last in LAST]
    rng.shuffle(names)
    fillers = [name for name in names if name not in taken][:FILLERS]
    for n, name in enumerate(fillers):
        department = rng.choice(sorted(DEPARTMENTS))
        users.append(User(email=f"filler{n}@org.test", name=name, handle=f"filler{n}"))
        profiles.append(
            {
                "title": rng.choice(DEPARTMENTS[department]),
                "department": department,
                "location": rng.choice(LOCATIONS),
                "bio": rng.choice(BIOS),
                "availability": rng.choice(("available", "available", "busy", "away")),
            }
        )
    for n, (key, spec) in enumerate(PLANTED.items()):
        users.append(User(email=f"{key}@org.test", name=spec.name, handle=f"planted{n}"))
        profiles.append(
            {
                "title": spec.title,
                "department": spec.department,
                "location": LOCATIONS[n % len(LOCATIONS)],
                "bio": spec.bio,
                "availability": spec.availability,
            }
        )
    viewer = User(email="viewer@org.test", name="Vic Viewer", handle="viewer")
    for user in [*users, viewer]:
        user.set_unusable_password()
    User.objects.bulk_create([*users, viewer])
    users = list(User.objects.filter(email__endswith="@org.test").order_by("pk"))
    by_email = {user.email: user for user in users}
    viewer = by_email["viewer@org.test"]
    Profile.objects.bulk_create(
        [
            Profile(user=by_email[f"filler{n}@org.test"], bio_html=f"<p>{p['bio']}</p>", **p)
            for n, p in enumerate(profiles[: len(fillers)])
        ]
        + [
            Profile(
                user=by_email[f"{key}@org.test"],
                bio_html=f"<p>{p['bio']}</p>" if p["bio"] else "",
                **p,
            )
            for key, p in zip(PLANTED, profiles[len(fillers) :], strict=True)
        ]
        + [Profile(user=viewer)]
    )
    filler_users = [by_email[f"filler{n}@org.test"] for n in range(len(fillers))]
    planted = {key: by_email[f"{key}@org.test"] for key in PLANTED}

    # Fillers: a few claims, a little evidence (noise the planted must beat).
    claims, endorsements = [], []
    skill_names = sorted(SKILLS)
    for index, user in enumerate(filler_users):
        held = rng.sample(skill_names, rng.randint(1, 3))
        claims += [
            SkillClaim(
                user=user,
                skill=skills[name],
                level=rng.choice(("learning", "practitioner", "practitioner")),
            )
            for name in held
        ]
        if rng.random() < 0.2:
            endorser = filler_users[(index + 1) % len(filler_users)]
            endorsements.append(
                SkillEndorsement(person=user, skill=skills[held[0]], endorser=endorser)
            )
    for key, spec in PLANTED.items():
        for name, level in spec.claims.items():
            claims.append(SkillClaim(user=planted[key], skill=skills[name], level=level))
        for name, count in spec.endorsements.items():
            endorsements += [
                SkillEndorsement(person=planted[key], skill=skills[name], endorser=endorser)
                for endorser in filler_users[:count]
            ]
    SkillClaim.objects.bulk_create(claims)
    SkillEndorsement.objects.bulk_create(endorsements)

    space = Space.objects.create(
        name="Help desk", slug="help-desk", kind="community", visibility="open"
    )
    asker = filler_users[-1]
    day = 0

    def answered(person: User, skill: Skill, body: str) -> None:
        nonlocal day
        day += 3
        at = now - timedelta(days=day)
        thread = Thread.objects.create(
            space=space,
            author=asker,
            kind=Thread.Kind.QUESTION,
            title=f"Question {day} about {skill.name}",
            body_html=f"<p>How do I do this with {skill.name}?</p>",
            created_at=at,
        )
        thread.skills.add(skill)
        reply = Reply.objects.create(
            thread=thread, author=person, body=body, body_html=f"<p>{body}</p>", created_at=at
        )
        Thread.objects.filter(pk=thread.pk).update(accepted_reply=reply)

    for key, spec in PLANTED.items():
        for name, count in spec.answers.items():
            for _ in range(count):
                answered(planted[key], skills[name], "Here is what worked for us.")
        for title, body in spec.posts:
            Thread.objects.create(
                space=space,
                author=planted[key],
                title=title,
                body=body,
                body_html=f"<p>{body}</p>",
            )
    # Noise: one accepted answer for one filler in ten.
    for user in filler_users[::10]:
        answered(user, skills[rng.choice(skill_names)], "Try restarting it.")

    for user in [*filler_users, *planted.values()]:
        scoring.refresh(user.pk)
    people_index.rebuild()
    return viewer, planted


def ndcg_at_5(found: list[int], grades: dict[int, int]) -> float:
    dcg = sum(grades.get(pk, 0) / math.log2(rank + 2) for rank, pk in enumerate(found[:5]))
    ideal = sorted(grades.values(), reverse=True)[:5]
    idcg = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(found: list[int], grades: dict[int, int]) -> float:
    best = max(grades.values())
    for rank, pk in enumerate(found, start=1):
        if grades.get(pk) == best:
            return 1.0 / rank
    return 0.0


@dataclass
class Measurement:
    ndcg: float
    mrr: float
    per_query: list[tuple[str, float, float, list[str]]]


def evaluate(viewer: User, planted: dict[str, User]) -> Measurement:
    rows = []
    names = {user.pk: user.name for user in planted.values()}
    for text, expected in QUERIES:
        grades = {planted[key].pk: grade for key, grade in expected.items()}
        results = search_people(viewer=viewer, text=text)
        found = [hit.id for hit in results[:10]]
        rows.append(
            (
                text,
                ndcg_at_5(found, grades),
                reciprocal_rank(found, grades),
                [names.get(pk, f"filler {pk}") for pk in found[:5]],
            )
        )
    return Measurement(
        ndcg=sum(row[1] for row in rows) / len(rows),
        mrr=sum(row[2] for row in rows) / len(rows),
        per_query=rows,
    )
