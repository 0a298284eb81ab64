"""Template helpers shared by every page."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

import agora
from agora.core.templatetags.agora import ago


def test_ago_names_only_the_largest_unit():
    now = timezone.now()
    assert ago(now - timedelta(hours=23, minutes=52)) == "23\xa0hours ago"
    assert ago(now - timedelta(days=4, hours=12)) == "4\xa0days ago"
    assert ago(now - timedelta(seconds=20)) == "just now"
    assert ago(now + timedelta(seconds=5)) == "just now"  # a clock a little behind
    assert ago(now - timedelta(seconds=61)) == "1\xa0minute ago"


def _eager_messages(path: Path) -> list[str]:
    """Module-level ``NAME = _("…")`` where ``_`` is the eager gettext."""
    tree = ast.parse(path.read_text())
    eager_underscore = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django.utils.translation"
        and any(alias.name == "gettext" and alias.asname == "_" for alias in node.names)
        for node in tree.body
    )
    if not eager_underscore:
        return []
    return [
        f"{path.name}:{node.lineno}"
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "_"
    ]


def test_module_level_messages_are_translated_when_shown_not_at_import():
    """A message constant made with gettext() at import time stays in one language."""
    root = Path(agora.__file__).parent
    assert [line for path in root.rglob("*.py") for line in _eager_messages(path)] == []
