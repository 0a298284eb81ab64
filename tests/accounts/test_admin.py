"""The Django admin, for org admins: role changes go through the action."""

from __future__ import annotations

import pytest

from agora.accounts.models import User
from agora.core.models import Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _change_form_data(person: User, **changes) -> dict:
    data = {
        "email": person.email,
        "name": person.name,
        "org_role": person.org_role,
        "is_active": "on",
        "time_zone": person.time_zone,
        "language": person.language,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-user": str(person.pk),
        "profile-0-email_visibility": "org",
        "profile-0-phone_visibility": "shared",
        "profile-0-chat_visibility": "org",
        "profile-0-links_visibility": "org",
        "profile-0-open_to_questions": "on",
        "profile-0-availability": "available",
        "profile-0-request_limit": "5",
    }
    data.update(changes)
    return data


def test_only_org_admins_reach_the_admin(client_of, member):
    response = client_of(member).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_role_change_in_admin_records_event(client_of, admin_user, member):
    url = f"/admin/accounts/user/{member.pk}/change/"
    response = client_of(admin_user).post(url, _change_form_data(member, org_role="advocate"))
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.org_role == User.OrgRole.ADVOCATE
    event = Event.objects.get(verb="person.role_changed")
    assert event.actor == admin_user
    assert event.data == {"old": "member", "new": "advocate"}


def test_admin_refuses_to_demote_the_last_admin(client_of, admin_user):
    url = f"/admin/accounts/user/{admin_user.pk}/change/"
    response = client_of(admin_user).post(url, _change_form_data(admin_user, org_role="member"))
    assert response.status_code == 200
    assert "at least one admin" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.org_role == User.OrgRole.ADMIN
    assert Event.objects.filter(verb="person.role_changed").exists() is False


def test_second_admin_may_be_demoted(client_of, admin_user):
    other = UserFactory(org_role=User.OrgRole.ADMIN)
    url = f"/admin/accounts/user/{other.pk}/change/"
    response = client_of(admin_user).post(url, _change_form_data(other, org_role="staff"))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.org_role == User.OrgRole.STAFF


def test_accounts_added_in_the_admin_get_a_profile(client_of, admin_user):
    response = client_of(admin_user).post(
        "/admin/accounts/user/add/",
        {
            "email": "new.person@example.test",
            "name": "New Person",
            "org_role": "member",
            "password1": "a-long-enough-password-42",
            "password2": "a-long-enough-password-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = User.objects.get(email="new.person@example.test")
    assert person.profile.title == ""
    assert client_of(admin_user).get(f"/people/{person.pk}/").status_code == 200
    assert client_of(admin_user).get(f"/api/v1/people/{person.pk}").status_code == 200
