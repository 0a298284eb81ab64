"""Who the API believes: a personal token, or the session with its CSRF token."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from agora.accounts.actions import create_access_token, revoke_access_token
from agora.accounts.models import AccessToken, User
from agora.spaces.models import Space
from tests.api.helpers import API, NOT_FOUND, UNAUTHENTICATED
from tests.factories import UserFactory

CSRF_FAILED = {
    "detail": "Send the CSRF token in the X-CSRFToken header.",
    "code": "csrf_failed",
    "errors": {},
}
NEW_SPACE = {"name": "Reading Group"}


def post_json(client: Client, path: str, body: object, **headers: str):
    return client.post(API + path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def csrf_client(member) -> Client:
    """A browser-like client: signed in, CSRF enforced, holding a CSRF cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(API + "/docs").status_code == 200  # sets the csrftoken cookie
    return client


@pytest.fixture
def token(member) -> str:
    _token, secret = create_access_token(user=member, name="script")
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/me"),
        ("get", "/people"),
        ("get", "/spaces"),
        ("get", "/spaces/1"),
        ("post", "/spaces"),
        ("patch", "/me/profile"),
        ("delete", "/spaces/1/members/1"),
    ],
)
def test_anonymous_requests_get_401_with_the_error_shape(db, method, path):
    client = Client(enforce_csrf_checks=True)
    if method == "get":
        response = client.get(API + path)
    else:
        response = getattr(client, method)(API + path, "{}", content_type="application/json")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_session_reads_need_no_csrf_token(csrf_client, member):
    response = csrf_client.get(API + "/me")
    assert (response.status_code, response.json()["id"]) == (200, member.pk)


def test_session_writes_without_the_csrf_token_are_refused(csrf_client):
    response = post_json(csrf_client, "/spaces", NEW_SPACE)
    assert (response.status_code, response.json()) == (403, CSRF_FAILED)
    assert Space.objects.exists() is False


def test_session_writes_with_a_wrong_csrf_token_are_refused(csrf_client):
    response = post_json(csrf_client, "/spaces", NEW_SPACE, HTTP_X_CSRFTOKEN="x" * 64)
    assert (response.status_code, response.json()) == (403, CSRF_FAILED)
    assert Space.objects.exists() is False


def test_session_writes_with_the_csrf_token_work(csrf_client, member):
    csrf = csrf_client.cookies["csrftoken"].value
    response = post_json(csrf_client, "/spaces", NEW_SPACE, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201
    assert list(Space.objects.values_list("name", "created_by")) == [("Reading Group", member.pk)]


def test_a_token_reads_and_writes_without_csrf(token, member):
    client = Client(enforce_csrf_checks=True)
    me = client.get(API + "/me", **bearer(token))
    created = post_json(client, "/spaces", NEW_SPACE, **bearer(token))
    assert (me.status_code, me.json()["email"]) == (200, member.email)
    assert created.status_code == 201
    assert list(Space.objects.values_list("created_by", flat=True)) == [member.pk]


def test_a_token_records_when_it_was_last_used(token, member):
    access = AccessToken.objects.get(user=member)
    assert access.last_used_at is None
    Client().get(API + "/me", **bearer(token))
    access.refresh_from_db()
    assert access.last_used_at is not None


def test_a_revoked_token_gets_401(token, member):
    revoke_access_token(user=member, token=AccessToken.objects.get(user=member))
    response = Client().get(API + "/me", **bearer(token))
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer agora_unknown",
        "Bearer not-an-agora-token",
        "Bearer ",
        "Bearer agora_" + "x" * 300,
        "Basic dXNlcjpwYXNz",
    ],
)
def test_unknown_tokens_get_401(db, header):
    response = Client().get(API + "/me", HTTP_AUTHORIZATION=header)
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_a_bad_token_is_not_rescued_by_a_session(member):
    client = Client()
    client.force_login(member)
    response = client.get(API + "/me", HTTP_AUTHORIZATION="Bearer agora_unknown")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_the_token_of_a_deactivated_person_gets_401(token, member):
    User.objects.filter(pk=member.pk).update(is_active=False)
    response = Client().get(API + "/me", **bearer(token))
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)


def test_a_token_acts_as_its_owner_only(token, member):
    other = UserFactory(name="Olga Other")
    response = Client().get(API + "/me", **bearer(token))
    assert response.json()["id"] == member.pk != other.pk


def test_unknown_paths_get_404_with_the_error_shape(member):
    client = Client()
    client.force_login(member)
    for path in ("/nope", "/spaces/1/nope", "/", "/spaces/1/members/1/nope"):
        response = client.get(API + path)
        assert (path, response.status_code, response.json()) == (path, 404, NOT_FOUND)


def test_a_missing_method_gets_405_with_the_error_shape(member):
    client = Client()
    client.force_login(member)
    response = client.delete(API + "/me")
    assert response.status_code == 405
    assert response.json() == {
        "detail": "Method not allowed.",
        "code": "method_not_allowed",
        "errors": {},
    }
    assert response["Allow"] == "GET"


def test_a_body_that_is_not_json_gets_400(member):
    client = Client()
    client.force_login(member)
    response = client.post(API + "/spaces", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Cannot parse request body",
        "code": "bad_request",
        "errors": {},
    }
