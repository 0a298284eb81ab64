"""Template helpers shared by every page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from agora.core.templatetags.agora import ago


def test_ago_names_only_the_largest_unit():
    now = timezone.now()
    assert ago(now - timedelta(hours=23, minutes=52)) == "23\xa0hours ago"
    assert ago(now - timedelta(days=4, hours=12)) == "4\xa0days ago"
    assert ago(now - timedelta(seconds=20)) == "just now"
    assert ago(now + timedelta(seconds=5)) == "just now"  # a clock a little behind
    assert ago(now - timedelta(seconds=61)) == "1\xa0minute ago"
