"""Feed sentences for discussion events."""

from django.utils.translation import gettext_lazy as _

from agora.core.feed import register_feed_verbs

register_feed_verbs(
    {
        "thread.started": _("started “%(thread_title)s” in %(space)s"),
        "reply.posted": _("replied to “%(thread_title)s” in %(space)s"),
        "reply.endorsed": _("endorsed a reply in “%(thread_title)s”"),
        "answer.accepted": _("accepted an answer to “%(thread_title)s”"),
    }
)
