"""The spaces of the demo organization and what happens in them, in order.

Each `SpacePlan` is created by its owner (its first facilitator); its `steps`
then run in order, interleaved with other spaces' steps by the builder:

- ``("join", person)``: join an open space;
- ``("invite", person, role)``: the owner invites someone (pending until accepted);
- ``("accept", person)``: the person accepts their invitation;
- ``("invite_email", email, role)``: invite an address that has no account yet;
- ``("request", person)``: ask to join a private space;
- ``("approve", person)`` / ``("decline", person)``: the owner decides;
- ``("role", person, role)``: the owner changes someone's space role;
- ``("leave", person)``; ``("update", fields)``; ``("archive",)``;
- threads, replies, reactions, endorsements and accepted answers, written in
  `agora.demo.discussions`.

Names, descriptions and updated text may use ``{cohort}`` (the season the
demo's weeks began in, e.g. "Spring 2026"), ``{previous_cohort}``, ``{year}``
and ``{next_year}``, so the demo reads as current whenever it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agora.demo.discussions import LITERACY_TALK, LITERACY_WELCOME, PYTHON_TALK, Step
from agora.demo.expertise import ML_TALK, PLATFORM_TALK

FACILITATOR, MEMBER, GUEST = "facilitator", "member", "guest"


def joins(people: str) -> list[Step]:
    return [("join", key) for key in people.split()]


def adds(people: str, role: str = MEMBER) -> list[Step]:
    """Invite each person and have them accept."""
    steps: list[Step] = []
    for key in people.split():
        steps += [("invite", key, role), ("accept", key)]
    return steps


def approved(people: str) -> list[Step]:
    """Each person asks to join and the owner approves."""
    steps: list[Step] = []
    for key in people.split():
        steps += [("request", key), ("approve", key)]
    return steps


@dataclass(frozen=True)
class SpacePlan:
    key: str
    name: str
    kind: str
    visibility: str
    owner: str
    description: str
    parent: str = ""
    steps: list[Step] = field(default_factory=list)
    skills: tuple[str, ...] = ()  # the space's skill tags, by name


LITERACY = """\
Six weeks to read charts critically, ask better questions of data, and make
one honest chart of your own. No maths beyond percentages.

**Rhythm:** a short lesson every Monday, a discussion prompt every Wednesday,
and a live Q&A on Fridays at 15:00 Berlin time.

1. What is a number hiding?
2. Averages, spreads and outliers
3. Charts that tell the truth (and ones that don't)
4. Correlation, causation and coincidence
5. Asking for data: writing a good request
6. Show and tell: your chart

Project teams work inside the course on a real question from their department.
"""

# The previous cohort ran before the demo's weeks begin and is archived early on.
FIRST: list[SpacePlan] = [
    SpacePlan(
        "literacy-autumn",
        "Data Literacy for Everyone — {previous_cohort}",
        "course",
        "open",
        "helena",
        "The previous cohort of **Data Literacy for Everyone**. The course has finished; "
        "the discussions stay here to read.",
        steps=[
            *joins("nina marcus samuel grace_k amara emily hannah"),
            ("archive",),
        ],
        skills=("Data visualization", "Statistics"),
    ),
]

# Everything else, interleaved as the weeks go by.
LATER: list[SpacePlan] = [
    SpacePlan(
        "literacy",
        "Data Literacy for Everyone — {cohort}",
        "course",
        "open",
        "helena",
        LITERACY,
        steps=[
            ("invite", "lena", FACILITATOR),
            ("accept", "lena"),
            *LITERACY_WELCOME,
            *joins("jamie tom diego ethan olivia"),
            ("invite", "rafael", GUEST),
            *joins("hiro rosa aisha"),
            ("accept", "rafael"),
            *joins("noor emily zanele ben liam leila mei morgan"),
            (
                "update",
                {
                    "description": LITERACY
                    + "\n> **Week 4 guest:** Dr. Rafael Costa on why A/B tests lie to you.\n",
                },
            ),
            *LITERACY_TALK,
            ("leave", "ben"),
        ],
        skills=("Data visualization", "Statistics"),
    ),
    SpacePlan(
        "team-churn",
        "Team Churn Signals",
        "project",
        "private",
        "helena",
        "Project team in *Data Literacy — {cohort}*: which signals in support "
        "tickets predict that a customer will leave? Plan, data notes and the final "
        "presentation live here.",
        parent="literacy",
        steps=[*adds("jamie leila hiro ethan"), ("role", "jamie", FACILITATOR)],
        skills=("Churn analysis",),
    ),
    SpacePlan(
        "team-forecast",
        "Team Forecast Friday",
        "project",
        "private",
        "helena",
        "Project team in *Data Literacy — {cohort}*: how good are our weekly "
        "revenue forecasts, and how would we know?",
        parent="literacy",
        steps=adds("olivia zanele tom aisha"),
        skills=("Forecasting",),
    ),
    SpacePlan(
        "leading",
        "Leading Without Authority — Cohort 3",
        "course",
        "private",
        "daniel",
        """\
An eight-week course for people who need others to follow them without being
their manager: tech leads, project owners, advocates.

- influence maps and stakeholder conversations
- giving feedback sideways and upwards
- running a meeting people want to attend

Places are limited to twelve; ask to join and tell us what you hope to practise.
""",
        steps=[
            *adds("marcus nina mei raj"),
            *approved("oskar chloe"),
            ("request", "ben"),
            ("decline", "ben"),
            *adds("leila arjun"),
            ("request", "sofia"),
            ("invite", "jamie", MEMBER),
        ],
        skills=("Leadership", "Coaching"),
    ),
    SpacePlan(
        "pricing",
        "Pricing Experiments Network",
        "network",
        "private",
        "nina",
        """\
A working network for everyone running pricing and packaging experiments.
Log each experiment's hypothesis, data and result here, **including the ones
that failed**, so that the next team starts from what we already know.

Current questions:

- Does annual-plan discounting change churn, or only cash flow?
- Which packaging page variant reduces sales-assisted deals?
""",
        steps=[
            ("invite", "arjun", FACILITATOR),
            ("accept", "arjun"),
            *adds("emily diego raj chloe"),
            ("invite", "rafael", GUEST),
            ("accept", "rafael"),
            *adds("olivia amara"),
            ("invite_email", "jonas.berg@partner.example", GUEST),
            ("request", "samuel"),
        ],
        skills=("Experiment design",),
    ),
    SpacePlan(
        "circle",
        "New Managers Circle — {year}",
        "circle",
        "secret",
        "grace",
        """\
A confidential mentoring circle for people in their first year of managing.
We meet every other Thursday; between sessions, share a situation you are
facing and the readings we assign.

**Objective:** within six months, each of us can run a difficult conversation, delegate
a real project and give feedback that lands.

What is said in the circle stays in the circle.
""",
        steps=[
            ("invite", "ingrid", FACILITATOR),
            ("accept", "ingrid"),
            *adds("leila samuel tomasz hannah"),
            ("invite", "ethan", MEMBER),
        ],
        skills=("Leadership", "Coaching"),
    ),
    SpacePlan(
        "python",
        "Python Guild",
        "community",
        "open",
        "kenji",
        "Everyone who writes Python here, from first script to production service. "
        "Share snippets, ask for reviews, and join the monthly *slow query surgery*.",
        steps=[
            *joins("ana priya oskar arjun samuel chloe"),
            ("role", "ana", FACILITATOR),
            *joins("hannah fatima yuki lena hiro"),
            *PYTHON_TALK,
            *ML_TALK,
        ],
        skills=("Python", "Code review"),
    ),
    SpacePlan(
        "ask",
        "New here? Ask anything",
        "community",
        "open",
        "sofia",
        """\
The place for questions you are not sure where to ask: tools, processes,
who knows what. Our **advocates** answer here, and anyone can.

New colleagues: say hello and tell us what you are working on.
""",
        steps=[
            ("invite", "amara", FACILITATOR),
            ("accept", "amara"),
            *joins("ethan tom yuki rosa hiro aisha liam jamie noor morgan"),
        ],
    ),
    SpacePlan(
        "a11y",
        "Accessibility Practice",
        "community",
        "open",
        "lucas",
        "A community of practice for accessible design and code: audits, patterns, "
        "screen-reader tips and [WCAG 2.2](https://www.w3.org/TR/WCAG22/) questions.",
        steps=joins("noor grace_k priya ben yuki fatima helena sofia"),
        skills=("Accessibility", "Design systems"),
    ),
    SpacePlan(
        "champions",
        "Agora Champions",
        "community",
        "private",
        "morgan",
        "For the advocates who help colleagues learn socially: what worked, what "
        "didn't, and who needs a nudge. Ask to join if you would like to help.",
        steps=adds("kenji lena amara sofia helena daniel"),
        skills=("Facilitation",),
    ),
    SpacePlan(
        "northstar",
        "Project Northstar",
        "project",
        "secret",
        "zanele",
        "Vendor consolidation for the {next_year} budget. **Confidential** until the "
        "announcement; invitation only.",
        steps=adds("olivia liam hiro marcus"),
        skills=("Vendor management",),
    ),
    SpacePlan(
        "spreadsheets",
        "Spreadsheet Clinic",
        "community",
        "open",
        "hiro",
        "Bring a spreadsheet that hurts. We fix formulas, untangle lookups and "
        "decide together when it is time to move to a real database.",
        steps=joins("olivia diego tom emily nina jamie noor aisha"),
        skills=("Excel", "Financial modelling"),
    ),
    SpacePlan(
        "platform",
        "Platform Guild",
        "community",
        "open",
        "oskar",
        "Kubernetes, Terraform and everything between a merge and production. Ask "
        "here before you page anyone; the runbooks we write together live here too.",
        steps=[
            *joins("ana samuel kenji marcus fatima arjun priya tomasz"),
            ("role", "kenji", FACILITATOR),
            *PLATFORM_TALK,
        ],
        skills=("Kubernetes", "Terraform"),
    ),
]
