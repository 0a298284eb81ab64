"""A small, believable organization for the page tour and the README screenshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from agora.accounts import actions as account_actions
from agora.accounts.models import User
from agora.core.models import Event
from agora.spaces import actions as space_actions
from agora.spaces.models import Invitation, Space
from tests.factories import UserFactory

PEOPLE = [
    # name, email, title, department, location, org role, skills
    (
        "Priya Raman",
        "priya.raman@northwind.test",
        "Head of Data Science",
        "Analytics",
        "Lisbon",
        User.OrgRole.STAFF,
        [("Python", "expert", 12), ("Forecasting", "expert", 8), ("Mentoring", "practitioner", 5)],
    ),
    (
        "Jonas Weber",
        "jonas.weber@northwind.test",
        "Machine Learning Engineer",
        "Engineering",
        "Berlin",
        User.OrgRole.MEMBER,
        [("Python", "expert", 7), ("MLOps", "practitioner", 3)],
    ),
    (
        "Amara Okafor",
        "amara.okafor@northwind.test",
        "Learning Experience Designer",
        "People & Learning",
        "London",
        User.OrgRole.MEMBER,
        [("Instructional design", "expert", 9), ("Facilitation", "practitioner", 4)],
    ),
    (
        "Lucas Moreau",
        "lucas.moreau@northwind.test",
        "Product Analyst",
        "Product",
        "Paris",
        User.OrgRole.MEMBER,
        [("SQL", "practitioner", 4), ("Forecasting", "learning", None)],
    ),
    (
        "Sofia Lindqvist",
        "sofia.lindqvist@northwind.test",
        "Data Engineer",
        "Engineering",
        "Stockholm",
        User.OrgRole.MEMBER,
        [("SQL", "expert", 6), ("Airflow", "practitioner", 3)],
    ),
    (
        "Kenji Tanaka",
        "kenji.tanaka@northwind.test",
        "UX Researcher",
        "Design",
        "Lisbon",
        User.OrgRole.MEMBER,
        [("User interviews", "expert", 6)],
    ),
    (
        "Otto Lehmann",
        "otto.lehmann@northwind.test",
        "Finance Controller",
        "Finance",
        "Berlin",
        User.OrgRole.MEMBER,
        [],
    ),
]

GUILD_DESCRIPTION = """\
A network for everyone who builds, ships or reviews machine-learning models at
Northwind. We share **what worked**, what did not, and the notebooks behind it.

- Monthly show-and-tell on the first Thursday
- A review rota for models going to production
- Reading list: *Designing Machine Learning Systems*, chapters 1–4
"""


@dataclass
class Organization:
    priya: User
    jonas: User
    amara: User
    lucas: User
    sofia: User
    kenji: User
    otto: User
    guild: Space
    forecasting: Space
    onboarding: Space
    churn: Space
    mentoring: Space
    invitation: Invitation


def build_organization() -> Organization:
    """Create people with profiles and skills, spaces of several kinds, and activity."""
    people = {}
    for name, email, title, department, location, role, skills in PEOPLE:
        person = UserFactory(
            name=name,
            email=email,
            org_role=role,
            profile={"title": title, "department": department, "location": location},
        )
        if skills:
            account_actions.set_skills(
                editor=person,
                person=person,
                claims=[{"skill": s, "level": lvl, "years": y} for s, lvl, y in skills],
            )
        people[name.split()[0].lower()] = person
    priya, jonas, amara = people["priya"], people["jonas"], people["amara"]
    account_actions.update_profile(
        editor=priya,
        person=priya,
        bio=(
            "I lead the data science team in Lisbon. Ask me about **demand forecasting**, "
            "experiment design, or how to get a model from a notebook into production."
        ),
        interests="causal inference, cycling, fado",
        linkedin_url="https://www.linkedin.com/in/priya-raman-example",
    )

    guild = space_actions.create_space(
        creator=priya,
        name="Applied Machine Learning Guild",
        kind=Space.Kind.NETWORK,
        description=GUILD_DESCRIPTION,
    )
    forecasting = space_actions.create_space(
        creator=priya,
        name="Forecasting with Python — spring cohort",
        kind=Space.Kind.COURSE,
        description="Eight weeks from time-series basics to a forecast your team can trust.",
    )
    onboarding = space_actions.create_space(
        creator=amara,
        name="New joiners' help desk",
        kind=Space.Kind.COMMUNITY,
        description="Ask anything about your first weeks at Northwind. No question is too small.",
    )
    churn = space_actions.create_space(
        creator=jonas,
        name="Churn model review",
        kind=Space.Kind.PROJECT,
        visibility=Space.Visibility.PRIVATE,
        description="Reviewing the customer churn model before the Q3 release.",
    )
    mentoring = space_actions.create_space(
        creator=priya,
        name="Leadership mentoring circle",
        kind=Space.Kind.CIRCLE,
        visibility=Space.Visibility.SECRET,
        description="A small circle for new team leads.",
    )
    for person in (jonas, amara, people["lucas"], people["sofia"], people["kenji"]):
        space_actions.join_space(user=person, space=guild)
    for person in (people["lucas"], people["sofia"], people["kenji"]):
        space_actions.join_space(user=person, space=onboarding)
    space_actions.join_space(user=jonas, space=forecasting)
    space_actions.invite(actor=jonas, space=churn, user=people["sofia"])
    space_actions.accept_invitation(
        user=people["sofia"], invitation=Invitation.objects.get(space=churn)
    )
    invitation = space_actions.invite(
        actor=priya,
        space=forecasting,
        user=amara,
        message="You would bring a lot to the discussions on communicating uncertainty.",
    )
    _spread_over_past_days()
    return Organization(
        **{key: people[key] for key in ("priya", "jonas", "amara", "lucas", "sofia")},
        kenji=people["kenji"],
        otto=people["otto"],
        guild=guild,
        forecasting=forecasting,
        onboarding=onboarding,
        churn=churn,
        mentoring=mentoring,
        invitation=invitation,
    )


def _spread_over_past_days() -> None:
    """Date the events over the last days, newest last, so feeds read naturally."""
    now = timezone.now()
    events = list(Event.objects.order_by("-pk").values_list("pk", flat=True))
    for index, pk in enumerate(events):
        Event.objects.filter(pk=pk).update(created_at=now - timedelta(hours=5 + 7 * index))
