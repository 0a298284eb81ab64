"""The floors the thread page is measured against (mounted only by `bench.settings`).

- `bare`: the whole middleware stack with the signed-in member (session and
  user, as every page loads them), then a two-byte answer: no query of its
  own, no template;
- `thread_sql`: the rows the thread page shows — the thread, its space, the
  viewer's membership, every reply with its author, avatar and endorser, and
  the viewer's reactions — fetched with ONE hand-written query and joined
  into HTML by string building (escaped where the text is not already
  sanitized HTML). What the thread page costs above this is Django: ORM
  objects, permissions and the template.

Neither checks more than membership: they are measuring sticks, never
mounted by `agora.settings`.
"""

from __future__ import annotations

from html import escape

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token

THREAD_SQL = """
SELECT t.title, t.body_html, t.reply_count, t.created_at, ta.name, s.name, s.slug, m.role,
       r.id, r.parent_id, r.author_id, r.body_html, r.stance, r.is_deleted, r.created_at,
       r.edited_at, r.endorsed_at, r.helpful_count, r.insightful_count, r.thanks_count,
       u.name, p.photo, e.name,
       EXISTS (SELECT 1 FROM discussions_reaction x
               WHERE x.reply_id = r.id AND x.user_id = %s AND x.kind = 'helpful'),
       EXISTS (SELECT 1 FROM discussions_reaction x
               WHERE x.reply_id = r.id AND x.user_id = %s AND x.kind = 'insightful'),
       EXISTS (SELECT 1 FROM discussions_reaction x
               WHERE x.reply_id = r.id AND x.user_id = %s AND x.kind = 'thanks')
FROM discussions_thread t
JOIN spaces_space s ON s.id = t.space_id
JOIN spaces_membership m ON m.space_id = s.id AND m.user_id = %s
LEFT JOIN accounts_user ta ON ta.id = t.author_id
LEFT JOIN discussions_reply r ON r.thread_id = t.id
LEFT JOIN accounts_user u ON u.id = r.author_id
LEFT JOIN accounts_profile p ON p.user_id = r.author_id
LEFT JOIN accounts_user e ON e.id = r.endorsed_by_id
WHERE t.id = %s
ORDER BY r.created_at, r.id
"""
REACTIONS = ("Helpful", "Insightful", "Thanks")


def bare(request: HttpRequest) -> HttpResponse:
    """The bare view: what every signed-in page costs before it does anything."""
    if not request.user.is_authenticated:
        raise Http404("Sign in.")
    return HttpResponse(b"ok", content_type="text/plain")


def thread_sql(request: HttpRequest, thread_id: int) -> HttpResponse:
    """The thread page's rows in one query, as HTML without a template."""
    user = request.user
    if not user.is_authenticated:
        raise Http404("Sign in.")
    with connection.cursor() as cursor:
        cursor.execute(THREAD_SQL, [user.pk, user.pk, user.pk, user.pk, thread_id])
        rows = cursor.fetchall()
    if not rows:
        raise Http404("No such thread.")
    title, thread_html, reply_count, created_at, thread_author, space_name, slug, _role = rows[0][
        :8
    ]
    prefix = f"/spaces/{escape(slug)}/threads/{thread_id}/replies/"
    csrf = f"<input type='hidden' name='csrfmiddlewaretoken' value='{escape(get_token(request))}'>"
    responses: dict[int, list[str]] = {}
    comments: dict[int, list[str]] = {}
    for row in rows:
        reply_id, parent_id = row[8], row[9]
        if reply_id is None:
            continue
        item = _reply(row, prefix, csrf, viewer_id=user.pk)
        if parent_id is None:
            responses[reply_id] = [item]
        elif parent_id in responses:
            comments.setdefault(parent_id, []).append(item)
    out = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>",
        escape(title),
        "</title></head><body><main><p>",
        escape(space_name),
        "</p><article><h1>",
        escape(title),
        f"</h1><p>{escape(thread_author or '')} <time>{escape(str(created_at))}</time></p>",
        f"<div class='prose'>{thread_html}</div></article><h2>{reply_count} replies</h2>",
        "<ol class='responses' id='responses'>",
    ]
    for reply_id, (item,) in responses.items():
        out.append(f"<li class='response' id='reply-{reply_id}'>{item}")
        out.append(f"<ol class='comments' id='comments-{reply_id}'>")
        out.extend(comments.get(reply_id, ()))
        out.append("</ol></li>")
    out.append("</ol></main></body></html>")
    return HttpResponse("".join(out))


def _reply(row: tuple, prefix: str, csrf: str, *, viewer_id: int) -> str:
    (reply_id, parent_id, author_id, body_html, stance, is_deleted, created_at) = row[8:15]
    edited_at, endorsed_at, *counts = row[15:20]
    author, photo, endorser = row[20:23]
    pressed = row[23:26]
    wrap = f"<li class='comment' id='reply-{reply_id}'>" if parent_id else ""
    if is_deleted:
        body = "<article class='reply reply-deleted'><p>This reply was deleted.</p></article>"
        return wrap + body + ("</li>" if parent_id else "")
    name = escape(author or "Former member")
    initials = "".join(part[0] for part in (author or "?").split()[:2]).upper()
    avatar = (
        f"<img class='avatar' src='/media/{escape(photo)}' alt=''>"
        if photo
        else f"<span class='avatar' aria-hidden='true'>{escape(initials)}</span>"
    )
    parts = [
        wrap,
        "<article class='reply'><header>",
        avatar,
        f" <a href='/people/{author_id}/'>{name}</a> <time datetime='{escape(str(created_at))}'>",
        f"{escape(str(created_at))}</time>",
        " <span>edited</span>" if edited_at else "",
        f" <span class='badge'>{escape(stance)}</span>" if stance else "",
        f" <span class='badge'>Endorsed by {escape(endorser or 'a facilitator')}</span>"
        if endorsed_at
        else "",
        f"</header><div class='prose'>{body_html}</div><div class='reactions'>",
    ]
    if author_id != viewer_id:
        parts.append(f"<form method='post' action='{prefix}{reply_id}/react/'>{csrf}")
        for label, count, on in zip(REACTIONS, counts, pressed, strict=True):
            parts.append(
                f"<button name='{'remove' if on else 'add'}' value='{label.lower()}' "
                f"aria-pressed='{'true' if on else 'false'}'>{label} {count}</button>"
            )
        parts.append("</form>")
    else:
        parts.append(f"<a href='{prefix}{reply_id}/edit/'>Edit</a>")
    parts.append("</div></article>")
    if parent_id:
        parts.append("</li>")
    return "".join(parts)
