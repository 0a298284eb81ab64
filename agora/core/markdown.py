"""Render user Markdown to sanitized HTML, once, when it is written.

Pages show the stored HTML; they never render Markdown themselves.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

_md = (
    MarkdownIt("commonmark", {"linkify": True, "typographer": True, "html": False})
    .enable(["linkify", "table", "strikethrough", "replacements", "smartquotes"])
    .use(tasklists_plugin)
)

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


def render_markdown(source: str) -> str:
    """Return sanitized HTML for the Markdown `source` (empty for blank input)."""
    if not source or not source.strip():
        return ""
    html = _md.render(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )


def plain_text(html: str) -> str:
    """Return the text of sanitized `html`, without tags (for previews)."""
    return nh3.clean(html, tags=set()).strip()
