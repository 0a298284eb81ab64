"""Reactions to people events: feed sentences, directory facets."""

from django.utils.translation import gettext_lazy as _

from agora.accounts.queries import forget_directory_facets
from agora.core.events import listener
from agora.core.feed import register_feed_verbs
from agora.core.models import Event

register_feed_verbs(
    {
        "profile.updated": _("updated their profile"),
        "profile.skills_changed": _("updated their skills"),
    }
)


@listener("profile.updated")
def refresh_directory_facets(event: Event) -> None:
    """A changed department, location or time zone shows in the filters."""
    if {"department", "location", "time_zone"} & set(event.data.get("fields", [])):
        forget_directory_facets()
