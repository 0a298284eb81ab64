"""The demo organization: believable, complete, safe to run twice, never in production."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Max, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from agora.accounts.actions import skill_named
from agora.accounts.models import Profile, Skill, SkillClaim, User
from agora.core.management.commands.setup import NO_DEMO_IN_PRODUCTION
from agora.core.models import Event
from agora.courses.models import Attempt, Completion, Course, LessonPrompt
from agora.courses.permissions import courses_visible_to
from agora.demo import ALREADY_BUILT, DEMO_LOGINS, DEMO_PASSWORD, WEEKS, _calendar, build_demo
from agora.discussions.models import Reaction, Reply, Thread
from agora.experts.models import Expertise, SkillEndorsement
from agora.spaces.models import Invitation, JoinRequest, Membership, Space
from agora.spaces.permissions import spaces_visible_to
from tests.videos import HAS_FFMPEG

pytestmark = pytest.mark.django_db
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def evidence_count_gt_zero() -> Q:
    return (
        Q(accepted_answers__gt=0)
        | Q(endorsed_replies__gt=0)
        | Q(helpful_reactions__gt=0)
        | Q(endorsements__gt=0)
        | Q(facilitated_spaces__gt=0)
    )


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Build the demo once for the read-only tests of a class; roll it back after.

    Each test still runs in its own savepoint (pytest-django's ``db``), nested
    in this transaction. The hasher is the tests' fast one, which function-scoped
    fixtures would set too late.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=[FAST_HASHER]),
        transaction.atomic(),
    ):
        yield build_demo()
        transaction.set_rollback(True)


class TestDemoOrganization:
    """Read-only checks on one build of the demo."""

    def test_demo_has_about_forty_people_in_every_org_role(self, demo):
        assert demo.startswith("Built the demo organization: 40 people, 14 spaces and ")
        assert Counter(User.objects.values_list("org_role", flat=True)) == {
            "admin": 1,
            "staff": 2,
            "advocate": 4,
            "member": 31,
            "guest": 2,
        }
        assert set(Profile.objects.values_list("department", flat=True)) == {
            "Customer Success",
            "Data",
            "Design",
            "Engineering",
            "External",
            "Finance",
            "Operations",
            "People & Learning",
            "Product",
            "Sales",
        }
        assert len(set(User.objects.values_list("time_zone", flat=True))) == 22

    def test_every_demo_profile_is_filled_in(self, demo):
        profiles = Profile.objects.select_related("user")
        assert profiles.count() == 40
        for profile in profiles:
            assert profile.title, profile.user.name
            assert profile.location, profile.user.name
            assert profile.bio_html.startswith("<p>"), profile.user.name
            assert profile.interest_list, profile.user.name
            assert profile.linkedin_url.startswith("https://www.linkedin.com/in/"), (
                profile.user.name
            )
            assert profile.user.time_zone != "UTC", profile.user.name
        assert profiles.exclude(github_url="").filter(github_url__startswith="https://github.com/")
        assert (
            profiles.exclude(x_url="").count()
            == profiles.filter(x_url__startswith="https://x.com/").count()
        )
        assert profiles.exclude(x_url="").count() == 5
        assert profiles.filter(open_to_questions=False).exists() is True
        assert profiles.filter(open_to_questions=True).count() > 25
        # Contact fields use every visibility, so the privacy rules show on the demo.
        for field in ("email_visibility", "phone_visibility"):
            assert set(profiles.values_list(field, flat=True)) == {"org", "shared", "me"}, field
        claims = Counter(SkillClaim.objects.values_list("user_id", flat=True))
        assert len(claims) == 40
        assert min(claims.values()) == 3
        assert set(SkillClaim.objects.values_list("level", flat=True)) == {
            "learning",
            "practitioner",
            "expert",
        }
        # The vocabulary is shared: popular skills are claimed across departments.
        assert SkillClaim.objects.filter(skill__name="SQL").count() == 7
        assert SkillClaim.objects.filter(skill__name="Python").count() == 9

    def test_demo_spaces_cover_every_kind_visibility_status_and_role(self, demo):
        spaces = Space.objects.all()
        assert spaces.count() == 14
        assert set(spaces.values_list("kind", flat=True)) == set(Space.Kind.values)
        assert set(spaces.values_list("visibility", flat=True)) == set(Space.Visibility.values)
        assert set(spaces.values_list("status", flat=True)) == set(Space.Status.values)
        assert set(Membership.objects.values_list("role", flat=True)) == set(Membership.Role.values)
        for space in spaces:
            facilitators = space.memberships.filter(role=Membership.Role.FACILITATOR).count()
            assert facilitators >= 1, space.name
            assert space.member_count == space.memberships.count(), space.name
        teams = spaces.filter(kind=Space.Kind.PROJECT, parent__kind=Space.Kind.COURSE)
        assert sorted(teams.values_list("name", flat=True)) == [
            "Team Churn Signals",
            "Team Forecast Friday",
        ]
        archived = spaces.get(status=Space.Status.ARCHIVED)
        assert archived.kind == Space.Kind.COURSE
        assert Counter(Invitation.objects.values_list("status", flat=True)) == {
            "accepted": 40,
            "pending": 3,
        }
        assert sorted(
            JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).values_list(
                "user__email", "space__name"
            )
        ) == [
            ("advocate@demo.agora.test", "Leading Without Authority — Cohort 3"),
            ("samuel.adeyemi@demo.agora.test", "Pricing Experiments Network"),
        ]

    def test_outside_guest_sees_only_the_spaces_they_were_invited_to(self, demo):
        guest = User.objects.get(email="guest@demo.agora.test")
        cohort = _calendar(timezone.localdate() - timedelta(weeks=WEEKS))["cohort"]
        assert sorted(spaces_visible_to(guest).values_list("name", flat=True)) == [
            f"Data Literacy for Everyone — {cohort}",
            "Pricing Experiments Network",
        ]
        assert set(guest.memberships.values_list("role", flat=True)) == {"guest"}

    def test_demo_activity_is_spread_over_the_past_weeks(self, demo):
        now = timezone.now()
        events = Event.objects.order_by("created_at")
        oldest, newest = events.first().created_at, events.last().created_at
        assert now - timedelta(weeks=WEEKS) <= oldest < now - timedelta(weeks=WEEKS - 1)
        assert now - timedelta(hours=3) < newest < now - timedelta(minutes=30)
        assert Event.objects.filter(created_at__gte=now - timedelta(minutes=30)).exists() is False
        # Causes come before effects: each space is created before anything happens in it.
        for space in Space.objects.all():
            created = Event.objects.get(space=space, verb="space.created").created_at
            assert Event.objects.filter(space=space, created_at__lt=created).exists() is False
            latest = Event.objects.filter(space=space).aggregate(latest=Max("created_at"))["latest"]
            assert space.last_activity_at == latest, space.name
        assert Counter(Event.objects.values_list("verb", flat=True)) == {
            "profile.updated": 40,
            "profile.skills_changed": 40,
            "person.role_changed": 8,
            "space.created": 14,
            "space.joined": 110,
            "space.left": 1,
            "space.updated": 1,
            "space.archived": 1,
            "invitation.sent": 43,
            "join.requested": 5,
            "join.declined": 1,
            "member.role_changed": 3,
            "thread.started": 14,
            "thread.moderated": 1,
            "reply.posted": 54,
            "reply.reacted": 28,
            "reply.endorsed": 7,
            "answer.accepted": 7,
            "course.created": 1,
            "course.instructor_added": 1,
            "cohort.added": 1,
            "lesson.created": 5,
            **({"lesson.updated": 1} if HAS_FFMPEG else {}),  # the first lesson's video
            "lesson.published": 4,
            "check.updated": 4,
            "check.attempted": 6,
            "lesson.completed": 23,
            "skill.alias_added": 15,
            "skill.moved": 5,
            "skill.endorsed": 26,
        }

    def test_demo_course_discussions_are_lively(self, demo):
        cohort = _calendar(timezone.localdate() - timedelta(weeks=WEEKS))["cohort"]
        course = Space.objects.get(name=f"Data Literacy for Everyone — {cohort}")
        threads = {thread.title: thread for thread in Thread.objects.filter(space=course)}
        assert sorted((t.kind, t.author.email) for t in threads.values()) == [
            ("announcement", "instructor@demo.agora.test"),
            ("blog", "instructor@demo.agora.test"),
            ("prompt", "instructor@demo.agora.test"),
            ("prompt", "instructor@demo.agora.test"),
            ("prompt", "lena.fischer@demo.agora.test"),
            ("question", "diego.fernandez@demo.agora.test"),
            ("show_and_tell", "member@demo.agora.test"),
        ]
        show = threads["Show and tell: our first chart video (5 seconds)"]
        if HAS_FFMPEG:
            assert show.video.content_type == "video/webm"
            assert show.video.duration == pytest.approx(5.0, abs=0.2)
            assert show.video.captions.name.startswith("captions/")
        else:
            assert show.video is None
        assert show.reply_count == 1
        assert threads[f"Welcome to the {cohort} cohort: how we will learn together"]
        stances = {
            title: (t.post_first, t.reply_count, t.agree_count, t.disagree_count,
                    t.alternative_count)
            for title, t in threads.items()
            if t.kind == "prompt"
        }  # fmt: skip
        assert stances == {
            "Week 1 prompt: what is this number hiding?": (False, 9, 3, 3, 2),
            "Week 3 prompt: a chart that misled you": (True, 13, 3, 1, 1),
            "Week 4 prompt: did the training cause the drop in tickets?": (False, 8, 4, 2, 2),
        }
        # Every counter agrees with the rows it counts.
        for thread in Thread.objects.all():
            replies = Reply.objects.filter(thread=thread, is_deleted=False)
            assert thread.reply_count == replies.count(), thread.title
            assert thread.agree_count == replies.filter(stance="agree").count(), thread.title
        for reply in Reply.objects.all():
            kinds = Counter(reply.reactions.values_list("kind", flat=True))
            assert (reply.helpful_count, reply.insightful_count, reply.thanks_count) == (
                kinds["helpful"],
                kinds["insightful"],
                kinds["thanks"],
            )
        question = threads["MEDIAN in Sheets gives a strange result for the week 2 exercise"]
        assert question.accepted_reply.author.email == "hiroshi.tanaka@demo.agora.test"
        assert [t.title for t in Thread.objects.filter(is_pinned=True)] == [
            "This Friday's Q&A moves to 16:00"
        ]
        assert sorted(
            Reply.objects.filter(endorsed_at__isnull=False).values_list(
                "author__email", "endorsed_by__email"
            )
        ) == [
            ("arjun.mehta@demo.agora.test", "ana.ribeiro@demo.agora.test"),
            ("member@demo.agora.test", "lena.fischer@demo.agora.test"),
            ("member@demo.agora.test", "lena.fischer@demo.agora.test"),
            ("olivia.bennett@demo.agora.test", "instructor@demo.agora.test"),
            ("oskar.lindqvist@demo.agora.test", "kenji.watanabe@demo.agora.test"),
            ("oskar.lindqvist@demo.agora.test", "kenji.watanabe@demo.agora.test"),
            ("priya.nair@demo.agora.test", "kenji.watanabe@demo.agora.test"),
        ]  # fmt: skip
        community = Space.objects.get(name="Python Guild")
        assert sorted(community.threads.values_list("kind", "accepted_reply__author__email")) == [
            ("discussion", None),
            ("question", "arjun.mehta@demo.agora.test"),
            ("question", "priya.nair@demo.agora.test"),
        ]

    def test_demo_course_runs_in_the_current_cohort_with_its_prompts(self, demo):
        course = Course.objects.get(title="Data literacy for teams")
        assert sorted(course.instructors.values_list("email", flat=True)) == [
            "instructor@demo.agora.test",
            "lena.fischer@demo.agora.test",
        ]
        cohort = course.cohorts.select_related("space").get()
        assert cohort.space.name.startswith("Data Literacy for Everyone — ")
        assert cohort.space.is_archived is False
        lessons = list(course.lessons.order_by("position"))
        assert [lesson.is_published for lesson in lessons] == [True, True, True, True, False]
        assert all("<h2>" in lesson.content_html for lesson in lessons[:4])
        # The first lesson carries the demo clip when ffmpeg is installed.
        assert [lesson.video_id is not None for lesson in lessons] == [HAS_FFMPEG] + [False] * 4
        # The cohort's weekly prompts are the lessons' prompts: none is duplicated.
        prompts = LessonPrompt.objects.filter(lesson__course=course).select_related("thread")
        assert sorted((p.lesson.position, p.thread.title[:6]) for p in prompts) == [
            (0, "Week 1"),
            (2, "Week 3"),
            (3, "Week 4"),
        ]
        assert Thread.objects.filter(space=cohort.space, kind="prompt").count() == 3
        stances = Counter(
            Reply.objects.filter(thread__lesson_prompt__isnull=False).values_list(
                "stance", flat=True
            )
        )
        assert stances["agree"] >= 3
        assert stances["disagree"] >= 3
        attempts = Attempt.objects.filter(cohort=cohort)
        assert sorted(attempts.values_list("score", flat=True)) == [33, 67, 67, 100, 100, 100]
        assert attempts.filter(passed=False).count() == 1
        assert Completion.objects.filter(cohort=cohort).count() == 23
        learner = User.objects.get(email="member@demo.agora.test")
        assert list(courses_visible_to(learner)) == [course]
        assert Completion.objects.filter(user=learner).count() == 4

    def test_demo_experts_are_found_by_their_evidence(self, demo, client):
        """Oskar is the Kubernetes expert by his work; Marcus only claims it."""
        kubernetes = skill_named("k8s")
        assert kubernetes.name == "Kubernetes"
        rows = list(
            Expertise.objects.filter(skill=kubernetes).order_by("-score").select_related("user")
        )
        assert rows[0].user.name == "Oskar Lindqvist"
        oskar = rows[0]
        assert (oskar.accepted_answers, oskar.endorsed_replies, oskar.endorsements) == (4, 2, 5)
        assert oskar.facilitated_spaces == 1
        marcus = next(row for row in rows if row.user.name == "Marcus Johnson")
        assert marcus.level == "expert"
        assert marcus.evidence_count == 0
        assert oskar.score > 10 * marcus.score
        # Expertise is computed at the end of the build, not left to the worker.
        assert Expertise.objects.filter(evidence_count_gt_zero()).count() >= 20
        top_ml = Expertise.objects.filter(skill__name="Machine learning").order_by("-score")[0]
        assert top_ml.user.name == "Arjun Mehta"
        assert skill_named("ML").name == "Machine learning"
        assert skill_named("JS").name == "JavaScript"
        assert Skill.objects.get(name="Django").parent.name == "Python"
        assert Space.objects.filter(skills__isnull=True).count() == 1  # "Ask anything"
        assert SkillEndorsement.objects.exclude(note="").count() >= 15
        # The pages show it.
        client.force_login(User.objects.get(email="member@demo.agora.test"))
        profile = client.get(f"/people/{oskar.user_id}/").content.decode()
        assert "4 accepted answers" in profile
        assert "endorsed by 5" in profile
        evidence = client.get(f"/people/{oskar.user_id}/skills/{kubernetes.slug}/")
        assert evidence.status_code == 200
        assert "Got our staging cluster back in ten minutes." in evidence.content.decode()

    def test_demo_posts_are_backdated_with_their_events(self, demo):
        started = dict(
            Event.objects.filter(verb="thread.started").values_list("target_id", "created_at")
        )
        posted = dict(
            Event.objects.filter(verb="reply.posted").values_list("target_id", "created_at")
        )
        assert dict(Thread.objects.values_list("pk", "created_at")) == started
        assert dict(Reply.objects.values_list("pk", "created_at")) == posted
        for thread in Thread.objects.filter(reply_count__gt=0):
            newest = thread.replies.aggregate(newest=Max("created_at"))["newest"]
            assert thread.last_activity_at == newest, thread.title
        # Comments come after the response they answer.
        for comment in Reply.objects.filter(parent__isnull=False).select_related("parent"):
            assert comment.created_at > comment.parent.created_at
        assert (
            Reaction.objects.filter(created_at__gte=timezone.now() - timedelta(minutes=30)).exists()
            is False
        )

    def test_every_demo_login_can_sign_in_with_the_demo_password(self, demo, client):
        roles = {}
        for email, _description in DEMO_LOGINS:
            response = client.post(
                reverse("account_login"), {"login": email, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 302, email
            assert response["Location"] == "/", email
            assert client.get("/").status_code == 200
            roles[email] = User.objects.get(email=email).org_role
            client.logout()
        assert roles == {
            "admin@demo.agora.test": "admin",
            "instructor@demo.agora.test": "staff",
            "member@demo.agora.test": "member",
            "advocate@demo.agora.test": "advocate",
            "guest@demo.agora.test": "guest",
        }
        verified = EmailAddress.objects.filter(verified=True, primary=True)
        assert verified.count() == User.objects.count() == 40


def test_setup_loads_the_demo_once_and_a_second_build_changes_nothing(capsys):
    call_command("setup")
    assert "Built the demo organization: 40 people" in capsys.readouterr().out
    counts = (User.objects.count(), Space.objects.count(), Event.objects.count())
    assert counts[0] == 40
    assert build_demo() == ALREADY_BUILT
    call_command("setup")
    call_command("demo")
    assert capsys.readouterr().out == "Database is up to date.\n" + ALREADY_BUILT + "\n"
    assert (User.objects.count(), Space.objects.count(), Event.objects.count()) == counts


def _snapshot() -> tuple[list, list]:
    """The demo's content without ids or absolute times."""
    events = list(
        Event.objects.order_by("created_at", "pk").values_list(
            "verb", "actor__email", "space__slug"
        )
    )
    profiles = list(
        Profile.objects.order_by("user__email").values_list(
            "user__email", "phone", "email_visibility", "phone_visibility", "open_to_questions"
        )
    )
    return events, profiles


def test_demo_is_the_same_every_time():
    with transaction.atomic():
        build_demo()
        first = _snapshot()
        transaction.set_rollback(True)
    build_demo()
    assert _snapshot() == first
    assert len(first[0]) == Event.objects.count()


def test_demo_is_refused_in_production_settings(settings, capsys):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never loaded in production"):
        call_command("demo")
    with pytest.raises(ImproperlyConfigured):
        build_demo()
    call_command("setup")
    assert capsys.readouterr().out == "Database is up to date.\n" + NO_DEMO_IN_PRODUCTION + "\n"
    assert User.objects.exists() is False


def test_demo_events_reach_every_listener(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        build_demo()
    assert Event.objects.filter(delivered_at__isnull=True).exists() is False
    # Invitations still pending got their email; so did the facilitators of
    # spaces with a pending join request. Accepted ones were already answered.
    # (Notification emails, which carry List-Unsubscribe, are tested in tests/notifications.)
    recipients = sorted(
        address
        for message in mail.outbox
        if "List-Unsubscribe" not in message.extra_headers
        for address in message.to
    )
    assert recipients == [
        "arjun.mehta@demo.agora.test",
        "daniel.okafor@demo.agora.test",
        "ethan.brooks@demo.agora.test",
        "jonas.berg@partner.example",
        "member@demo.agora.test",
        "nina.petrova@demo.agora.test",
    ]
