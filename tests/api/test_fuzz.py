"""Fuzz the whole API with schemathesis, signed in and anonymous.

Every operation in the live OpenAPI document becomes a test (new endpoints
are covered without listing them here). Each request must not fail with a
5xx, must answer a status code the document lists, with the documented
content type and a body that matches the documented schema, and must reject
data the document says is invalid.

Generated path ids are mostly small integers; the signed-in run maps the
small ones onto real rows (spaces, people, invitations, join requests) so
the fuzzer reaches past the 404s into the actions. Examples are bounded and
derandomized, so a run is repeatable and fast enough for CI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from agora.accounts.actions import create_access_token
from agora.accounts.models import User
from agora.spaces import actions as space_actions
from agora.spaces.models import Membership, Space
from tests.factories import UserFactory, add_member, make_space

app = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
# Anonymous requests all stop at authentication: a few random ones per
# operation prove it, without the coverage phase's hundreds of edge cases.
anonymous_schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
anonymous_schema.config.phases.update(phases=["fuzzing"])

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
FUZZ_SETTINGS = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_db_connection():
    """Keep the test's connection open across requests, as Django's test client does.

    The WSGI handler closes connections when a request starts and finishes;
    on PostgreSQL that would roll back the test's transaction mid-test.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class World:
    """A small organization, and the ids the fuzzer's path parameters map onto."""

    token: str
    ids: dict[str, list[int]] = field(default_factory=dict)

    def steer(self, case: schemathesis.Case) -> None:
        """Replace small generated ids (1, 2, 3…) with ids of real rows."""
        for name, value in (case.path_parameters or {}).items():
            known = self.ids.get(name, [])
            if isinstance(value, int) and 1 <= value <= len(known):
                case.path_parameters[name] = known[value - 1]


@pytest.fixture
def world(db) -> World:
    """A facilitator of open, private and secret spaces, with pending requests."""
    fay = UserFactory(name="Fay Facilitator")
    mia = UserFactory(name="Mia Member")
    otto = UserFactory(name="Otto Outsider")
    ada = UserFactory(name="Ada Admin", org_role=User.OrgRole.ADMIN)
    guest = UserFactory(name="Gail Guest", org_role=User.OrgRole.GUEST)
    club = make_space(creator=fay, name="Data Club", members=(mia, guest))
    team = make_space(
        creator=fay, name="Team Rocket", kind=Space.Kind.PROJECT, visibility="private"
    )
    circle = make_space(
        creator=fay, name="Inner Circle", kind=Space.Kind.CIRCLE, visibility="secret"
    )
    add_member(circle, mia, Membership.Role.FACILITATOR)
    elsewhere = make_space(creator=otto, name="Otto's Open Space")
    hidden = make_space(creator=ada, name="Admins Only", visibility="secret")
    join_request = space_actions.request_to_join(user=otto, space=team, message="Let me in")
    invitation = space_actions.invite(actor=otto, space=elsewhere, user=fay)
    space_actions.invite(actor=fay, space=club, email="new.person@example.test")
    _token, key = create_access_token(user=fay, name="fuzz")
    spaces = [club.pk, team.pk, circle.pk, elsewhere.pk, hidden.pk]
    people = [fay.pk, mia.pk, otto.pk, ada.pk, guest.pk]
    return World(
        token=key,
        ids={
            "space_id": spaces,
            "user_id": people,
            "request_id": [join_request.pk],
            "invitation_id": [invitation.pk],
        },
    )


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_signed_in(case: schemathesis.Case, world: World) -> None:
    world.steer(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {world.token}"}, checks=CHECKS)


@anonymous_schema.parametrize()
@settings(FUZZ_SETTINGS, max_examples=5)
def test_api_anonymous(case: schemathesis.Case, db) -> None:
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code in (401, 404, 405)
