"""Factories for tests: people with profiles, and spaces made through actions."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory
from faker import Faker

from agora.accounts.models import Profile, User
from agora.spaces import actions as space_actions
from agora.spaces.models import Membership, Space

PASSWORD = "correct-horse-battery-staple"
fake = Faker()


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    name = factory.Faker("name")
    org_role = User.OrgRole.MEMBER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def profile(self, create: bool, extracted: dict | None, **kwargs) -> None:
        if not create:
            return
        self.save()
        Profile.objects.update_or_create(user=self, defaults=extracted or kwargs)
        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )


def make_space(*, creator: User | None = None, members: tuple[User, ...] = (), **fields) -> Space:
    """Create a space through the action (creator becomes facilitator), then add members."""
    creator = creator or UserFactory(org_role=User.OrgRole.ADMIN)
    fields.setdefault("name", fake.catch_phrase()[:100])
    space = space_actions.create_space(creator=creator, **fields)
    for member in members:
        add_member(space, member)
    return space


def add_member(space: Space, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    """Add a membership directly (for arranging test data of any visibility)."""
    membership = Membership.objects.create(space=space, user=user, role=role)
    Space.objects.filter(pk=space.pk).update(member_count=space.memberships.count())
    space.refresh_from_db()
    user.__dict__.pop("_space_roles", None)
    return membership
