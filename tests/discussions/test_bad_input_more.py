"""Bad input on the newer discussion pages: clear 4xx answers, nothing lost, nothing written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agora.discussions.models import Flag, Thread
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999999"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"threads/{BIG}/history/"),
        ("get", "threads/{thread}/replies/" + BIG + "/history/"),
        ("get", "threads/{thread}/files/" + BIG + "/"),
        ("get", "threads/{thread}/replies/" + BIG + "/flag/"),
        ("post", "moderation/reply/" + BIG + "/"),
        ("post", "moderation/thread/" + BIG + "/"),
    ],
)
def test_out_of_range_ids_are_not_found(client_of, thread, facilitator, method, path):
    response = getattr(client_of(facilitator), method)(
        "/spaces/data-club/" + path.format(thread=thread.pk), {"action": "hide"}
    )
    assert response.status_code == 404


def test_new_thread_with_a_fake_file_keeps_title_and_text(client_of, space, member):
    response = client_of(member).post(
        "/spaces/data-club/threads/new/",
        {
            "kind": "discussion",
            "title": "My title",
            "body": "My long text",
            "files": [SimpleUploadedFile("run.pdf", b"\x7fELF\x02\x01\x01" * 8)],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="My title"' in html
    assert "My long text" in html
    assert "run.pdf: This kind of file is not accepted." in html
    assert Thread.objects.exists() is False


def test_six_files_are_refused_with_the_text_kept(client_of, thread, space):
    learner = UserFactory()
    add_member(space, learner)
    files = [SimpleUploadedFile(f"n{i}.txt", b"notes") for i in range(6)]
    response = client_of(learner).post(
        f"{thread.get_absolute_url()}replies/", {"body": "Six notes", "files": files}
    )
    assert response.status_code == 400
    assert "Attach at most 5 files." in response.content.decode()
    assert "Six notes" in response.content.decode()


def test_unknown_moderation_action_changes_nothing(client_of, thread, facilitator):
    response = client_of(facilitator).post(
        f"/spaces/data-club/moderation/thread/{thread.pk}/", {"action": "explode"}
    )
    assert response.status_code == 400
    thread.refresh_from_db()
    assert thread.is_hidden is False


def test_flagging_ones_own_post_is_forbidden(client_of, thread, member):
    response = client_of(member).post(f"{thread.get_absolute_url()}flag/", {"reason": "spam"})
    assert response.status_code == 403
    assert Flag.objects.exists() is False


def test_flag_form_get_is_refused_to_the_author(client_of, thread, member):
    assert client_of(member).get(f"{thread.get_absolute_url()}flag/").status_code == 403
