"""Background work of the core: posters of uploaded videos."""

from __future__ import annotations

from django_tasks import task

from agora.core import videos
from agora.core.models import Video


@task()
def make_video_poster(*, video_id: int) -> bool:
    """Take the poster of video `video_id` with ffmpeg; False when it is gone or that failed."""
    video = Video.objects.filter(pk=video_id).first()
    if video is None:
        return False
    return videos.take_poster(video)
