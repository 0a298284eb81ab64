"""Accounts through allauth: sign-up modes, email verification, passwords, throttling."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from agora.accounts.adapters import INVITED_ADDRESS_ONLY
from agora.accounts.models import OrgSettings, User
from agora.core.models import Event
from agora.experts.search_queries import search_people
from agora.spaces.actions import invite, revoke_invitation
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")
SIGNUP_URL = reverse("account_signup")
NEW_PASSWORD = "a-Fresh-passphrase-42"
TOO_MANY = "For your account's safety we paused this for a while."


def signup_data(email: str = "newcomer@example.test", name: str = "Nia Newcomer") -> dict:
    return {"name": name, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def set_signup_mode(mode: str) -> None:
    org = OrgSettings.load()
    org.signup_mode = mode
    org.save()


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def link_in(message: mail.EmailMessage, path_pattern: str) -> str:
    """Return the path of the only link in `message` that matches `path_pattern`."""
    links = re.findall(r"http://testserver(" + path_pattern + r")", message.body)
    assert len(links) == 1, message.body
    return links[0]


# --- Sign-up and email verification ---------------------------------------------


def test_signup_sends_a_verification_email_and_gives_no_session(client):
    response = client.post(SIGNUP_URL, signup_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="newcomer@example.test")
    assert user.name == "Nia Newcomer"
    assert EmailAddress.objects.get(user=user).verified is False
    assert logged_in_user_id(client) is None
    assert [m.to for m in mail.outbox] == [["newcomer@example.test"]]
    message = mail.outbox[0]
    assert message.subject == "[Agora] Please Confirm Your Email Address"
    assert "Agora" in message.body
    assert "example.com" not in message.body
    link_in(message, r"/accounts/confirm-email/[^/\s]+/")


def test_login_before_verifying_gives_no_session(client):
    client.post(SIGNUP_URL, signup_data())
    client.logout()

    response = client.post(LOGIN_URL, {"login": "newcomer@example.test", "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    assert client.get(reverse("home"))["Location"] == LOGIN_URL
    # The mail is sent again, so a lost first mail does not lock the person out.
    assert len(mail.outbox) == 2


def test_verification_link_verifies_the_address_and_logs_in(client):
    client.post(SIGNUP_URL, signup_data())
    confirm_path = link_in(mail.outbox[0], r"/accounts/confirm-email/[^/\s]+/")

    page = client.get(confirm_path)
    assert page.status_code == 200
    assert EmailAddress.objects.get(email="newcomer@example.test").verified is False
    response = client.post(confirm_path)

    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.test")
    assert EmailAddress.objects.get(user=user).verified is True
    assert logged_in_user_id(client) == str(user.pk)


def test_verified_person_can_log_in_on_a_new_browser(client, django_user_model):
    client.post(SIGNUP_URL, signup_data())
    client.post(link_in(mail.outbox[0], r"/accounts/confirm-email/[^/\s]+/"))
    other = type(client)()

    response = other.post(LOGIN_URL, {"login": "newcomer@example.test", "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(other) == str(django_user_model.objects.get().pk)


def test_signup_with_a_taken_address_reveals_nothing_and_creates_nothing(client, member):
    response = client.post(SIGNUP_URL, signup_data(email=member.email.upper(), name="Copy Cat"))

    # The same answer as a real sign-up; the owner of the address is told by mail.
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert logged_in_user_id(client) is None
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert mail.outbox[0].subject == "[Agora] Account Already Exists"


# --- Sign-up modes ------------------------------------------------------------------


def test_open_mode_shows_the_signup_form(client):
    set_signup_mode(OrgSettings.SignupMode.OPEN)
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    assert "account/signup.html" in [t.name for t in response.templates]


def test_closed_mode_refuses_signup(client):
    set_signup_mode(OrgSettings.SignupMode.CLOSED)

    page = client.get(SIGNUP_URL)
    response = client.post(SIGNUP_URL, signup_data())

    for answer in (page, response):
        assert "account/signup_closed.html" in [t.name for t in answer.templates]
        assert "Sign Up Closed" in answer.text
    assert User.objects.filter(email="newcomer@example.test").exists() is False
    assert mail.outbox == []


@pytest.fixture
def invitation(space, facilitator):
    set_signup_mode(OrgSettings.SignupMode.INVITE)
    return invite(actor=facilitator, space=space, email="invitee@example.test")


def test_invite_mode_refuses_a_visitor_without_an_invitation(client, invitation):
    response = client.post(SIGNUP_URL, signup_data(email="invitee@example.test"))

    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.filter(email="invitee@example.test").exists() is False


def test_invite_mode_lets_the_invited_visitor_sign_up_verified(client, invitation):
    opened = client.get(invitation.get_absolute_url())
    assert opened.status_code == 302
    assert opened["Location"] == f"{SIGNUP_URL}?next={invitation.get_absolute_url()}"

    form = client.get(opened["Location"])
    assert "account/signup.html" in [t.name for t in form.templates]
    response = client.post(
        opened["Location"], signup_data(email="invitee@example.test", name="Ivy Invitee")
    )

    assert response.status_code == 302
    assert response["Location"] == invitation.get_absolute_url()
    user = User.objects.get(email="invitee@example.test")
    # The invitation link proved the address: no second verification mail.
    assert EmailAddress.objects.get(user=user).verified is True
    assert logged_in_user_id(client) == str(user.pk)
    assert mail.outbox == []


def test_invite_mode_refuses_another_address_than_the_invited_one(client, invitation):
    client.get(invitation.get_absolute_url())

    response = client.post(SIGNUP_URL, signup_data(email="friend@example.test"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [str(INVITED_ADDRESS_ONLY)]}
    assert User.objects.filter(email="friend@example.test").exists() is False


def test_invite_mode_refuses_a_revoked_invitation(client, invitation, facilitator):
    client.get(invitation.get_absolute_url())
    revoke_invitation(actor=facilitator, invitation=invitation)

    response = client.post(SIGNUP_URL, signup_data(email="invitee@example.test"))

    assert "account/signup_closed.html" in [t.name for t in response.templates]
    assert User.objects.filter(email="invitee@example.test").exists() is False


def test_invite_mode_still_lets_members_reset_their_password(client, invitation, member):
    response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[member.email]]


# --- Passwords -------------------------------------------------------------------


def test_password_reset_mail_link_sets_a_new_password(client, member):
    response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Agora] Password Reset Email"
    reset_path = link_in(mail.outbox[0], r"/accounts/password/reset/key/[^/\s]+/")

    form_page = client.get(reset_path, follow=True)
    assert form_page.status_code == 200
    assert "account/password_reset_from_key.html" in [t.name for t in form_page.templates]
    set_path = form_page.redirect_chain[-1][0]
    done = client.post(set_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD) is True
    assert member.check_password(PASSWORD) is False


def test_password_reset_link_works_only_once(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    reset_path = link_in(mail.outbox[0], r"/accounts/password/reset/key/[^/\s]+/")
    set_path = client.get(reset_path, follow=True).redirect_chain[-1][0]
    client.post(set_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = type(client)().get(reset_path, follow=True)

    assert again.context["token_fail"] is True


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    # Enumeration prevention: the unknown address is told it has no account.
    assert [m.to for m in mail.outbox] == [["nobody@example.test"]]
    assert "password/reset/key" not in mail.outbox[0].body


def test_password_change_needs_the_old_password(client_of, member):
    client = client_of(member)
    url = reverse("account_change_password")

    wrong = client.post(
        url, {"oldpassword": "not-it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    assert list(wrong.context["form"].errors) == ["oldpassword"]
    member.refresh_from_db()
    assert member.check_password(PASSWORD) is True

    right = client.post(
        url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert right.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD) is True
    # The session survives the change (Django rotates its auth hash).
    assert logged_in_user_id(client) == str(member.pk)


# --- Throttling ---------------------------------------------------------------------


def failed_login(client, email: str, ip: str):
    return client.post(LOGIN_URL, {"login": email, "password": "wrong-guess"}, REMOTE_ADDR=ip)


def test_failed_logins_on_one_account_from_many_addresses_get_429(client, member):
    for n in range(5):
        response = failed_login(client, member.email, f"10.0.0.{n}")
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [
            "The email address and/or password you specified are not correct."
        ]

    locked = client.post(
        LOGIN_URL, {"login": member.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.99"
    )

    assert locked.status_code == 429
    assert "429.html" in [t.name for t in locked.templates]
    assert TOO_MANY in locked.text
    assert logged_in_user_id(client) is None
    # Another account from the same addresses is not locked.
    other = UserFactory()
    response = client.post(
        LOGIN_URL, {"login": other.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(other.pk)


def test_failed_logins_on_many_accounts_from_one_address_get_429(client, member):
    for n in range(10):
        response = failed_login(client, f"guess{n}@example.test", "10.0.1.1")
        assert response.status_code == 200

    blocked = client.post(
        LOGIN_URL, {"login": member.email, "password": PASSWORD}, REMOTE_ADDR="10.0.1.1"
    )

    assert blocked.status_code == 429
    assert TOO_MANY in blocked.text
    assert logged_in_user_id(client) is None
    # The same account from another address still logs in.
    response = client.post(
        LOGIN_URL, {"login": member.email, "password": PASSWORD}, REMOTE_ADDR="10.0.1.2"
    )
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(member.pk)


def test_successful_logins_do_not_count_as_failures(client, member):
    for n in range(8):
        fresh = type(client)()
        response = fresh.post(
            LOGIN_URL, {"login": member.email, "password": PASSWORD}, REMOTE_ADDR=f"10.0.2.{n}"
        )
        assert response.status_code == 302


def test_signups_from_one_address_are_throttled_per_hour(client):
    for n in range(10):
        response = type(client)().post(
            SIGNUP_URL, signup_data(email=f"new{n}@example.test"), REMOTE_ADDR="10.0.3.1"
        )
        assert response.status_code == 302

    blocked = client.post(
        SIGNUP_URL, signup_data(email="one-more@example.test"), REMOTE_ADDR="10.0.3.1"
    )

    assert blocked.status_code == 429
    assert TOO_MANY in blocked.text
    assert User.objects.filter(email="one-more@example.test").exists() is False
    elsewhere = client.post(
        SIGNUP_URL, signup_data(email="one-more@example.test"), REMOTE_ADDR="10.0.3.2"
    )
    assert elsewhere.status_code == 302
    assert User.objects.filter(email="one-more@example.test").exists() is True


def test_a_newcomer_is_findable_in_the_expert_finder_once_signed_up(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP_URL, signup_data())
    user = User.objects.get(email="newcomer@example.test")
    assert Event.objects.filter(verb="person.joined", target_id=user.pk).exists()
    assert [hit.id for hit in search_people(viewer=member, text="Newcomer")[:5]] == [user.pk]
