"""@mentions in posts: which people a body names, and its HTML with them linked.

Called by the actions that write a thread or a reply: the HTML is stored
with links to the mentioned people's profiles, and the event carries the ids
of the people newly mentioned, whom the notifications app tells. Whether a
mentioned person may read the post is the listener's question, not this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from agora.accounts.models import User
from agora.core.markdown import find_mentions, render_markdown


@dataclass(frozen=True)
class Cooked:
    """A body rendered to HTML, and the people it newly mentions (ids)."""

    html: str
    mentioned: list[int] = field(default_factory=list)

    @property
    def event_data(self) -> dict[str, list[int]]:
        """The event's ``mentioned`` entry; none when nobody is newly mentioned."""
        return {"mentioned": self.mentioned} if self.mentioned else {}


def cook(body: str, *, author: User, previous: str = "") -> Cooked:
    """Render `body` with its ``@handle`` mentions linked to the people's profiles.

    `mentioned` lists the people named in `body` but not in `previous` (the
    text before an edit), never the author. One query, only when the body
    holds something shaped like a mention.
    """
    handles = find_mentions(body)
    if not handles:
        return Cooked(render_markdown(body))
    people = list(
        User.objects.filter(handle__in=handles, is_active=True).values_list("pk", "handle", "name")
    )
    links = {handle: (reverse("person_detail", args=[pk]), name) for pk, handle, name in people}
    before = set(find_mentions(previous))
    mentioned = [pk for pk, handle, _name in people if handle not in before and pk != author.pk]
    return Cooked(render_markdown(body, mentions=links), sorted(mentioned))
