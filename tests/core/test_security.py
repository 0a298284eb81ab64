"""Security defaults seen from outside: headers, cookies, HTTPS, sanitized user content."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from agora.accounts.actions import update_profile
from agora.accounts.models import User
from agora.core.models import Event
from agora.spaces.models import Space
from tests.core.test_settings import production_env, read_settings
from tests.factories import PASSWORD, UserFactory, make_space

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")

HOSTILE_MARKDOWN = """\
Hello <script>alert('bio')</script> there.

<img src="x" onerror="alert('img')">

[a link](javascript:alert('link')) and [another](JaVaScRiPt:alert('mixed'))

<a href="javascript:alert('raw')" onclick="alert('click')">raw anchor</a>

<iframe src="https://evil.example/"></iframe> <svg onload="alert('svg')"></svg>
"""
HOSTILE_NAME = "<script>alert('name')</script>Eve"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def parsed_tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


def assert_no_active_content(html: str) -> None:
    """Fail when `html` has markup a browser would run: scripts, handlers, script URLs.

    Text that merely reads like code (escaped ``&lt;script&gt;``) is harmless
    and allowed; only real tags and attributes count.
    """
    for tag, attrs in parsed_tags(html):
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), (tag, attrs)
        assert tag not in {"iframe", "svg", "object", "embed", "form", "base"} or (
            tag == "form" and attrs.get("action", "").startswith("/")
        ), (tag, attrs)
        handlers = [name for name in attrs if name.startswith("on")]
        assert handlers == [], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            value = re.sub(r"\s", "", attrs.get(name, "")).lower()
            assert not value.startswith(("javascript:", "data:text", "vbscript:")), (tag, attrs)


# --- Response headers ------------------------------------------------------------


@pytest.fixture
def pages(space, member) -> list[tuple[User | None, str]]:
    return [
        (None, LOGIN_URL),
        (None, reverse("account_signup")),
        (None, "/no-such-page/"),
        (member, reverse("home")),
        (member, reverse("people_list")),
        (member, reverse("person_detail", args=[member.pk])),
        (member, reverse("space_list")),
        (member, space.get_absolute_url()),
        (member, reverse("profile_edit")),
        (member, "/api/v1/me"),
    ]


def test_every_page_sends_the_security_headers(client_of, client, pages):
    for user, url in pages:
        response = client_of(user).get(url) if user else client.get(url)
        assert response.status_code in (200, 404), url
        assert (
            response["X-Content-Type-Options"],
            response["Referrer-Policy"],
            response["X-Frame-Options"],
            response["Cross-Origin-Opener-Policy"],
        ) == ("nosniff", "same-origin", "DENY", "same-origin"), url


def test_every_page_has_a_strict_content_security_policy(client_of, client, pages):
    for user, url in pages:
        response = client_of(user).get(url) if user else client.get(url)
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy, url
        assert "unsafe-eval" not in policy, url
        directives = csp_directives(response)
        assert directives["script-src"] == ["'self'"], url
        assert directives["style-src"] == ["'self'"], url
        assert directives["default-src"] == ["'self'"], url
        assert directives["object-src"] == ["'none'"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["base-uri"] == ["'self'"], url
        assert directives["form-action"] == ["'self'"], url


def test_pages_carry_no_inline_script_or_style_the_policy_would_block(client_of, client, pages):
    for user, url in pages:
        response = client_of(user).get(url) if user else client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.text
        inline_scripts = [
            tag for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I) if "src=" not in tag
        ]
        assert inline_scripts == [], url
        assert re.findall(r"<[^>]+\son[a-z]+\s*=", html, flags=re.I) == [], url
        assert re.findall(r"<[^>]+\sstyle\s*=", html, flags=re.I) == [], url
        assert re.findall(r"<style\b", html, flags=re.I) == [], url


# --- Cookies and HTTPS with the production settings ---------------------------------

PRODUCTION_SECURITY_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REDIRECT_EXEMPT",
)


@pytest.fixture(scope="module")
def production_values(tmp_path_factory) -> dict:
    """The security settings exactly as the settings module computes them in production."""
    values = read_settings(
        production_env(tmp_path_factory.mktemp("var")), *PRODUCTION_SECURITY_SETTINGS
    )
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def production(settings, production_values) -> None:
    for name, value in production_values.items():
        setattr(settings, name, value)


def test_login_cookies_are_httponly_secure_and_samesite_lax(client, member, production):
    page = client.get(LOGIN_URL, secure=True)
    assert page.status_code == 200
    csrf = page.cookies["csrftoken"]

    response = client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD}, secure=True)

    assert response.status_code == 302
    session = response.cookies["sessionid"]
    for cookie in (csrf, session, response.cookies["csrftoken"]):
        assert (cookie["httponly"], cookie["secure"], cookie["samesite"]) == (True, True, "Lax")
        assert "Secure" in cookie.OutputString()
        assert "HttpOnly" in cookie.OutputString()
        assert "SameSite=Lax" in cookie.OutputString()


def test_login_rotates_the_session_key_and_csrf_token(client, member):
    client.get(LOGIN_URL)
    client.session.save()
    anonymous_csrf = client.cookies["csrftoken"].value

    client.post(LOGIN_URL, {"login": member.email, "password": PASSWORD})

    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.cookies["csrftoken"].value != anonymous_csrf


def test_plain_http_is_redirected_to_https(client, production):
    response = client.get(LOGIN_URL)
    assert response.status_code == 301
    assert response["Location"] == f"https://testserver{LOGIN_URL}"


def test_https_behind_the_proxy_is_recognized_and_gets_hsts(client, production):
    response = client.get(LOGIN_URL, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_health_check_answers_over_plain_http(client, production):
    # Load balancers probe over HTTP inside the network.
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_logout_needs_a_post(client_of, member):
    client = client_of(member)

    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert client.session["_auth_user_id"] == str(member.pk)

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_login_throttle_counts_the_forwarded_client_address_behind_a_proxy(
    client, member, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        response = client.post(
            LOGIN_URL,
            {"login": f"guess{n}@example.test", "password": "wrong"},
            REMOTE_ADDR="10.9.9.9",
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        assert response.status_code == 200

    blocked = client.post(
        LOGIN_URL,
        {"login": member.email, "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    other_client = client.post(
        LOGIN_URL,
        {"login": member.email, "password": PASSWORD},
        REMOTE_ADDR="10.9.9.9",
        headers={"X-Forwarded-For": "198.51.100.4"},
    )

    assert (blocked.status_code, other_client.status_code) == (429, 302)


# --- User content never reaches a page unsanitized -------------------------------


def test_hostile_bio_is_sanitized_on_the_profile_page(client_of, member, outsider):
    update_profile(editor=member, person=member, bio=HOSTILE_MARKDOWN)

    response = client_of(outsider).get(reverse("person_detail", args=[member.pk]))

    assert response.status_code == 200
    assert_no_active_content(response.text)
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert" in response.text  # shown as text, never run


def test_hostile_space_description_is_sanitized_on_the_space_page(client_of, facilitator):
    space = make_space(creator=facilitator, name="Red Team", description=HOSTILE_MARKDOWN)

    response = client_of(facilitator).get(space.get_absolute_url())

    assert response.status_code == 200
    assert_no_active_content(response.text)
    assert "Hello" in response.text


def test_stored_html_of_hostile_markdown_keeps_only_safe_markup(facilitator):
    space = make_space(creator=facilitator, name="Red Team", description=HOSTILE_MARKDOWN)
    stored = Space.objects.get(pk=space.pk).description_html

    assert_no_active_content(stored)
    # Raw HTML is text; the one link is the plain https URL, made safe.
    assert [(tag, attrs) for tag, attrs in parsed_tags(stored) if tag != "p"] == [
        (
            "a",
            {"href": "https://evil.example/", "rel": "nofollow noopener noreferrer ugc"},
        )
    ]


def test_hostile_names_are_escaped_everywhere_they_show(client_of, member, space):
    eve = UserFactory(name=HOSTILE_NAME)
    space.memberships.create(user=eve, role="member")
    eve_space = make_space(creator=eve, name="<img src=x onerror=alert('space')>")
    assert Event.objects.filter(actor=eve).exists() is True

    for url in (
        reverse("people_list"),
        reverse("person_detail", args=[eve.pk]),
        reverse("space_members", args=[space.slug]),
        eve_space.get_absolute_url(),
        reverse("space_list"),
    ):
        response = client_of(eve).get(url)
        assert response.status_code == 200, url
        assert "<script>alert" not in response.text, url
        assert "<img src=x" not in response.text, url
        assert re.search(r"<[^>]+\son[a-z]+\s*=", response.text, flags=re.I) is None, url


def test_profile_links_refuse_javascript_urls(member):
    with pytest.raises(ValidationError) as raised:
        update_profile(
            editor=member,
            person=member,
            website_url="javascript:alert(1)",
            github_url="data:text/html,<script>alert(1)</script>",
        )

    assert sorted(raised.value.message_dict) == ["github_url", "website_url"]
    member.profile.refresh_from_db()
    assert (member.profile.website_url, member.profile.github_url) == ("", "")


# --- Uploaded media are served inertly -------------------------------------------------


def test_media_outside_the_media_folder_is_not_served(client_of, member, settings):
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT.parent / "secret.txt").write_text("top secret")

    for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/..%2fsecret.txt"):
        response = client_of(member).get(path)
        assert response.status_code in (400, 404), path
        assert b"top secret" not in b"".join(getattr(response, "streaming_content", [b""]))
        assert b"top secret" not in getattr(response, "content", b"")


def test_only_profile_photos_are_public_media(client_of, member, settings):
    for folder in ("photos", "attachments", "lessons", "notes"):
        (settings.MEDIA_ROOT / folder).mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / folder / "file.txt").write_text(f"{folder} bytes")

    statuses = {
        folder: client_of(member).get(f"/media/{folder}/file.txt").status_code
        for folder in ("photos", "attachments", "lessons", "notes")
    }

    assert statuses == {"photos": 200, "attachments": 404, "lessons": 404, "notes": 404}
