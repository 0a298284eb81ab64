"""Course pages: the course list and page, lessons per cohort, progress and roster.

Course-level pages (``/courses/<slug>/…``) are where instructors write;
cohort pages (``/spaces/<slug>/lessons/…``) are where learners read, answer
the lesson prompt, mark lessons done and take checks. Every POST goes
through an action: PermissionDenied is the 403 page, ValidationError shows
the form again with its errors (status 400) and what was typed.
"""

from agora.courses.views.courses import (
    attachment_add,
    attachment_download,
    attachment_remove,
    check_save,
    cohort_create,
    course_create,
    course_detail,
    course_edit,
    course_list_page,
    lesson_create,
    lesson_edit,
    lesson_move,
    lesson_publish,
    lesson_video_file,
    prompt_add,
    question_add,
    question_delete,
    question_edit,
)
from agora.courses.views.learning import (
    check_attempt,
    cohort_lessons,
    cohort_roster,
    learner_progress,
    lesson_complete,
    lesson_detail,
)

__all__ = [
    "attachment_add",
    "attachment_download",
    "attachment_remove",
    "check_attempt",
    "check_save",
    "cohort_create",
    "cohort_lessons",
    "cohort_roster",
    "course_create",
    "course_detail",
    "course_edit",
    "course_list_page",
    "learner_progress",
    "lesson_complete",
    "lesson_create",
    "lesson_detail",
    "lesson_edit",
    "lesson_move",
    "lesson_publish",
    "lesson_video_file",
    "prompt_add",
    "question_add",
    "question_delete",
    "question_edit",
]
