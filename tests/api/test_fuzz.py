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

Random text seldom holds a NUL character, which PostgreSQL cannot store, so
a last test sends one in every text input the document lists.
"""

from __future__ import annotations

import json
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
from agora.discussions import actions as discussion_actions
from agora.discussions.models import Thread
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
    """A facilitator of open, private and secret spaces, with pending requests,
    threads and replies."""
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
    start, reply = discussion_actions.start_thread, discussion_actions.post_reply
    talk = start(author=mia, space=club, title="Which plot?", body="Bars or *lines*?")
    question = start(author=mia, space=club, title="How to bin?", kind=Thread.Kind.QUESTION)
    prompt = start(author=fay, space=club, title="Mean?", kind=Thread.Kind.PROMPT, post_first=True)
    theirs = start(author=otto, space=elsewhere, title="Otto's thread")
    admins = start(author=ada, space=hidden, title="Admins' thread")
    inner = start(author=mia, space=circle, title="Inner thread")
    show = start(author=fay, space=club, title="Our clip", kind=Thread.Kind.SHOW_AND_TELL)
    response = reply(author=mia, thread=talk, body="Lines")
    replies = [
        response,
        reply(author=fay, thread=talk, body="Why?", parent=response),
        reply(author=guest, thread=prompt, body="Yes", stance="agree"),
        reply(author=otto, thread=theirs, body="Mine"),
        reply(author=ada, thread=admins, body="Hush"),
        reply(author=fay, thread=question, body="Sturges"),
    ]
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
            "thread_id": [t.pk for t in (talk, question, prompt, theirs, admins, inner, show)],
            "reply_id": [r.pk for r in replies],
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


# --- NUL characters ----------------------------------------------------------------
# PostgreSQL cannot store "\x00" in text, and random text rarely contains it, so
# every text input of the document gets one on purpose: a 422, never a 500.

NUL_TEXT = "a\x00b"
NUL_MESSAGE = "Null characters are not allowed."


def _resolve(node: dict) -> dict:
    components = schema.raw_schema["components"]["schemas"]
    while "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[1]]
    return node


def _text_leaves(node: dict) -> list[tuple[list[str | int], dict]]:
    """Paths to the string values inside a JSON schema, with their schemas."""
    node = _resolve(node)
    options = [option for option in node.get("anyOf", []) if option.get("type") != "null"]
    if options:
        return [leaf for option in options[:1] for leaf in _text_leaves(option)]
    if node.get("type") == "string":
        return [([], node)]
    if node.get("type") == "object":
        return [
            ([name, *path], leaf)
            for name, child in node.get("properties", {}).items()
            for path, leaf in _text_leaves(child)
        ]
    if node.get("type") == "array":
        return [([0, *path], leaf) for path, leaf in _text_leaves(node["items"])]
    return []


def _place(path: list[str | int], value: str) -> object:
    if not path:
        return value
    inner = _place(path[1:], value)
    return [inner] if isinstance(path[0], int) else {path[0]: inner}


def nul_probes() -> list:
    probes = []
    for path, item in schema.raw_schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                for _, leaf in _text_leaves(parameter["schema"]):
                    probe = (
                        method,
                        path,
                        "query",
                        {parameter["name"]: NUL_TEXT},
                        parameter["name"],
                        leaf,
                    )
                    probes.append(pytest.param(*probe, id=f"{method} {path} ?{parameter['name']}"))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            for field_path, leaf in _text_leaves(body["schema"]) if body else []:
                name = ".".join(map(str, field_path))
                probe = (method, path, "body", _place(field_path, NUL_TEXT), name, leaf)
                probes.append(pytest.param(*probe, id=f"{method} {path} {name}"))
    return probes


@pytest.mark.parametrize(("method", "path", "where", "payload", "field_name", "leaf"), nul_probes())
def test_nul_characters_in_text_are_refused(
    client, world: World, method, path, where, payload, field_name, leaf
):
    url = path
    for name, known in world.ids.items():
        url = url.replace("{" + name + "}", str(known[0]))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world.token}"}
    if where == "query":
        response = getattr(client, method)(url, payload, **auth)
    else:
        response = getattr(client, method)(
            url, json.dumps(payload), content_type="application/json", **auth
        )
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    if "enum" in leaf or "pattern" in leaf:
        assert field_name in errors  # refused as not one of the choices or not the shape
    else:
        assert NUL_MESSAGE in errors[field_name]
