"""Render user Markdown to sanitized HTML, once, when it is written.

Pages show the stored HTML; they never render Markdown themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.tasklists import tasklists_plugin

# @handle: lowercase letters, digits, - and _, not ending in - or _ (as accounts' handles).
MENTION_RE = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)")
# A URL, a file name, an email address: an @ right after these is no mention.
_NOT_BEFORE_MENTION = re.compile(r"[\w@./+-]")


def _mention_rule(state: StateInline, silent: bool) -> bool:
    """Turn ``@handle`` into a link when `env["mentions"]` knows the handle.

    Every handle-shaped token outside code is collected in
    `env["mention_candidates"]`, so one parse tells the caller whom to look up.
    Code spans and blocks never reach inline rules, so mentions there are text.
    """
    if state.src[state.pos] != "@" or state.linkLevel > 0:
        return False
    if state.pos > 0 and _NOT_BEFORE_MENTION.match(state.src[state.pos - 1]):
        return False
    match = MENTION_RE.match(state.src, state.pos)
    if match is None:
        return False
    handle = match.group(1).lower()
    candidates = state.env.setdefault("mention_candidates", [])
    if not silent and handle not in candidates:
        candidates.append(handle)
    target = (state.env.get("mentions") or {}).get(handle)
    if target is None:
        return False
    if not silent:
        url, name = target
        link = state.push("link_open", "a", 1)
        link.attrs = {"href": url, "title": name}
        link.markup = "mention"
        text = state.push("text", "", 0)
        text.content = match.group(0)
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


_md = (
    MarkdownIt("commonmark", {"linkify": True, "typographer": True, "html": False})
    .enable(["linkify", "table", "strikethrough", "replacements", "smartquotes"])
    .use(tasklists_plugin)
)
_md.inline.ruler.before("emphasis", "mention", _mention_rule)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "input",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "input": {"type", "checked", "disabled"},
    "li": {"class"},
    "ul": {"class"},
    "td": {"align"},
    "th": {"align"},
}


def render_markdown(source: str, *, mentions: Mapping[str, tuple[str, str]] | None = None) -> str:
    """Return sanitized HTML for the Markdown `source` (empty for blank input).

    `mentions` maps handles (lowercase) to a (url, name) pair: each
    ``@handle`` it knows, outside code, becomes a link to that url.
    """
    if not source or not source.strip():
        return ""
    html = _md.render(source, {"mentions": mentions or {}})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )


def find_mentions(source: str) -> list[str]:
    """Return the handles ``@mentioned`` in Markdown `source`, outside code, in order."""
    if not source or "@" not in source:
        return []
    env: dict = {}
    _md.parse(source, env)
    return env.get("mention_candidates", [])


def plain_text(html: str) -> str:
    """Return the text of sanitized `html`, without tags (for previews)."""
    return nh3.clean(html, tags=set()).strip()
