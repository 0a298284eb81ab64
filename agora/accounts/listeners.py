"""Feed sentences for people events."""

from django.utils.translation import gettext_lazy as _

from agora.core.feed import register_feed_verbs

register_feed_verbs(
    {
        "profile.updated": _("updated their profile"),
        "profile.skills_changed": _("updated their skills"),
    }
)
