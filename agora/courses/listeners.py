"""Feed sentences for course events."""

from django.utils.translation import gettext_lazy as _

from agora.core.feed import register_feed_verbs

register_feed_verbs(
    {
        "cohort.added": _("started a cohort of “%(course_title)s” in %(space)s"),
        "lesson.published": _("published the lesson “%(lesson_title)s”"),
        "lesson.completed": _("completed the lesson “%(lesson_title)s”"),
    }
)
