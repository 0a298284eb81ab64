"""The replies of a thread page, rendered with Jinja2.

A thread page shows up to hundreds of replies, each with a dozen
conditional badges, links and forms. Through Django's template engine that
loop cost over 100 ms for 200 replies (the `make bench` thread page, 125 times
a bare view); compiled to Python by Jinja2, with every URL built once per
page and every label translated once per page, it costs a few milliseconds.

The markup lives in ``jinja2/discussions/replies.html``; Django's
``thread_detail.html`` keeps its partial names (``response-item``,
``comment-item``, ``reactions``…) and fills them with the tags of
``templatetags/discussion_replies.py``, which call `replies_module`.

Each reply's article is also kept, once rendered, in a per-process table
(`_articles`) keyed on everything it shows: the reply's row
(`queries.ReplyRow`: its columns, its author's and endorser's names and
photo), the marks `_prepare` attached (the viewer's rights, reactions, files,
"new"), and the page's (thread, rights, language, time zone). The two
things that change without the reply changing — "3 hours ago" and the CSRF
token — are left as markers and filled in on the way out.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from agora.core.templatetags.agora import ago
from agora.discussions.models import Reply
from agora.discussions.queries import ReplyRow

TEMPLATE = "discussions/replies.html"
# Comments: escaped text never contains them and sanitized HTML has none (nh3).
AGO = "<!--agora:ago-->"
CSRF = "<!--agora:csrf-->"
_AGO_MARKER = Markup("<!--agora:ago-->")
_CSRF_MARKER = Markup("<!--agora:csrf-->")
ARTICLES_KEPT = 5000
MINUTE, HOUR, DAY = 60, 3600, 86400
_articles: dict[tuple, str] = {}
# An id no row has, reversed once per URL name and then replaced by each reply's id.
_SLOT = 987654321012345

environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "jinja2"),
    autoescape=True,
    auto_reload=settings.DEBUG,
    # A missing attribute renders empty, as in Django templates (a user without a profile).
    undefined=jinja2.ChainableUndefined,
)
environment.filters["filesizeformat"] = filesizeformat


class _Url:
    """A URL with one id left open: ``urls.edit(7)`` → ``…/replies/7/edit/``."""

    __slots__ = ("after", "before")

    def __init__(self, name: str, *args: Any) -> None:
        self.before, _slot, self.after = reverse(name, args=[*args, _SLOT]).partition(str(_SLOT))

    def __call__(self, pk: int) -> str:
        return f"{self.before}{pk}{self.after}"


def _urls(slug: str, thread_pk: int, back: str) -> SimpleNamespace:
    thread = reverse("thread_detail", args=[slug, thread_pk])
    return SimpleNamespace(
        thread=thread,
        # Where the reply forms come back to: the thread, or the page embedding it.
        back=back or thread,
        accept=reverse("answer_accept", args=[slug, thread_pk]),
        person=_Url("person_detail"),
        comment=_Url("comment_create", slug, thread_pk),
        history=_Url("reply_history", slug, thread_pk),
        edit=_Url("reply_edit", slug, thread_pk),
        delete=_Url("reply_delete", slug, thread_pk),
        endorse=_Url("reply_endorse", slug, thread_pk),
        flag=_Url("reply_flag", slug, thread_pk),
        moderate=_Url("post_moderate", slug, "reply"),
        react=_Url("reply_react", slug, thread_pk),
        reactors=_Url("reply_reactors", slug, thread_pk),
        download=_Url("attachment_download", slug, thread_pk),
    )


def _texts() -> SimpleNamespace:
    """The labels of a reply, translated once per page (in the active language)."""
    return SimpleNamespace(
        comment=_("Comment"),
        deleted=_("This reply was deleted."),
        concealed=_("This post was hidden by a moderator."),
        former_member=_("Former member"),
        edited=_("edited"),
        new=_("New"),
        hidden=_("Hidden by a moderator"),
        accepted=_("Accepted answer"),
        edit=_("Edit"),
        delete=_("Delete"),
        endorse=_("Endorse"),
        unendorse=_("Withdraw endorsement"),
        report=_("Report"),
        restore=_("Restore"),
        hide=_("Hide"),
        accept=_("Accept answer"),
        unaccept=_("Unaccept answer"),
        attachments=_("Attachments"),
        who_reacted=_("Who reacted"),
    )


class _Dates:
    """Dates and endorsements as the page writes them: the clock, the time zone
    and the sentences are read once per page, then one call per reply."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        self.ago = _("%(time)s ago")  # agora's |ago filter, with the page's clock
        self.sentences: dict[tuple[int, int], str] = {}
        self.endorsed_by = _("Endorsed by %(name)s")
        self.facilitator = _("a facilitator")

    def __call__(self, reply: ReplyRow) -> _When:
        when = _When()
        # What Django's ``|date:'c'`` writes: ISO 8601 in the current time zone.
        when.iso = reply.created_at.astimezone(self.zone).isoformat()
        when.ago = _AGO_MARKER  # filled in by `_Articles` (it changes by the minute)
        when.endorsed = ""
        if reply.endorsed_at:
            name = getattr(reply.endorsed_by, "name", "") or self.facilitator
            when.endorsed = self.endorsed_by % {"name": name}
        return when

    def ago_of(self, reply: ReplyRow) -> str:
        """agora's ``|ago``: "3 days ago", the largest unit only.

        Under four weeks the sentence depends only on that unit and its
        count (Django's timesince counts months from four weeks on), so
        replies of the same day, or hour, share one sentence per page.
        """
        since = (self.now - reply.created_at).total_seconds()
        if not MINUTE <= since < 28 * DAY:
            return ago(reply.created_at, self.now)
        unit = next((chunk for chunk in (7 * DAY, DAY, HOUR) if since >= chunk), MINUTE)
        key = (unit, int(since // unit))
        sentence = self.sentences.get(key)
        if sentence is None:
            sentence = self.ago % {"time": timesince(reply.created_at, self.now, depth=1)}
            self.sentences[key] = sentence
        return sentence


class _When:
    __slots__ = ("ago", "endorsed", "iso")


class _Articles:
    """The ``reply_article`` macro behind the per-process table of rendered articles."""

    def __init__(self, page: tuple, dates: _Dates) -> None:
        self.page = page
        self.dates = dates
        self.macro: Any = None  # the module's reply_article, set once it exists

    def __call__(self, reply: ReplyRow) -> Markup:
        key = _article_key(self.page, reply)
        html = _articles.get(key)
        if html is None:
            html = str(self.macro(reply))
            if len(_articles) >= ARTICLES_KEPT:
                _articles.clear()
            _articles[key] = html
        if AGO in html:
            html = html.replace(AGO, str(escape(self.dates.ago_of(reply))))
        return Markup(html)  # noqa: S704 (rendered by Jinja2 with autoescape)


def _article_key(page: tuple, reply: ReplyRow) -> tuple:
    """Everything a reply's article shows: its row's values (with its author's
    and endorser's names and photo) and the marks the page attached."""
    return (page, reply.values, reply.marks)


def _csrf_input(token: Any) -> Markup:
    """What ``{% csrf_token %}`` writes (nothing without a token)."""
    if not token or token == "NOTPROVIDED":  # noqa: S105 (Django's marker, no secret)
        return Markup("")
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(str(token))


def finish(html: str, csrf_token: Any) -> str:
    """Put the page's CSRF input where the macros left its marker."""
    return html.replace(CSRF, str(_csrf_input(csrf_token))) if CSRF in html else html


def replies_module(
    *,
    space,
    thread,
    csrf_token: Any,
    may_reply: bool = False,
    may_moderate: bool = False,
    may_accept: bool = False,
    reaction_error: str = "",
    comment_parent_id: int | None = None,
    comment_form_html: str = "",
    back_url: str = "",
):
    """Return the replies template's macros (``responses``, ``response_item``,
    ``comment_item``, ``comment_link``, ``reactions``, ``attachments``) bound
    to one page: its thread and the viewer's rights. Their output holds a
    CSRF marker: pass it through `finish`."""
    dates = _Dates()
    # What the viewer may do on the whole page: the macros read it, and every
    # value of it is part of a rendered article's key (add new ones here).
    rights = {
        "may_reply": may_reply,
        "may_moderate": may_moderate,
        "may_accept": may_accept,
        "reaction_error": str(reaction_error),
        "comment_parent_id": comment_parent_id,
        "back_url": back_url,
    }
    page = (
        space.slug,
        thread.pk,
        thread.accepted_reply_id,
        tuple(rights.values()),
        get_language(),
        str(dates.zone),
    )
    articles = _Articles(page, dates)
    module = environment.get_template(TEMPLATE).make_module(
        {
            "space": space,
            "thread": thread,
            **rights,
            # Django rendered and escaped it.
            "comment_form_html": Markup(comment_form_html) if comment_form_html else "",  # noqa: S704
            "csrf_input": _CSRF_MARKER,
            "urls": _urls(space.slug, thread.pk, back_url),
            "text": _texts(),
            "stances": {value: str(label) for value, label in Reply.Stance.choices},
            "when": dates,
            "reply_body": articles,
        }
    )
    articles.macro = module.reply_article
    return module
