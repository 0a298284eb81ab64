"""Course endpoints: courses, cohorts, lessons, completion, knowledge checks, progress, roster.

The same actions and queries as the pages. Ids are checked against the
caller on every request: a course, cohort or lesson the caller may not see
answers 404 (a draft lesson, for learners, too), like a missing one.
Correct answers of a check are shown to the course's instructors only.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Form, Query, Router, Status
from ninja.pagination import paginate

from agora.api.pagination import PageQuery, Pages
from agora.api.schemas import OptionalFile, PathId, VideoUploadIn
from agora.courses import actions
from agora.courses.models import Cohort, Course, Lesson, Question
from agora.courses.permissions import (
    CANNOT_ROSTER,
    access_cohort_by_id,
    access_course_by_id,
    access_lesson,
    access_lesson_by_id,
    can_edit_course,
    can_learn_in,
    can_view_roster,
)
from agora.courses.queries import (
    best_scores,
    course_cohorts,
    course_lessons,
    course_list,
    lesson_check,
    progress,
    published_count,
    roster,
)
from agora.courses.schemas import (
    AttemptIn,
    AttemptOut,
    CheckIn,
    CheckOut,
    CohortIn,
    CohortOut,
    CompletionOut,
    CourseIn,
    CourseOut,
    CoursePatch,
    LessonIn,
    LessonOrderIn,
    LessonOut,
    LessonPatch,
    ProgressOut,
    PromptIn,
    PromptOut,
    PublicationIn,
    QuestionIn,
    RosterPage,
)

router = Router(tags=["courses"])


def _editable(request: HttpRequest, course: Course) -> Course:
    if not can_edit_course(request.user, course):
        raise PermissionDenied(actions.CANNOT_EDIT)
    return course


def _lesson_out(lesson: Lesson) -> Lesson:
    return (
        Lesson.objects.select_related("course", "video")
        .prefetch_related("attachments")
        .get(pk=lesson.pk)
    )


def _cohort_lesson(request: HttpRequest, cohort_id: int, lesson_id: int) -> tuple[Cohort, Lesson]:
    cohort = access_cohort_by_id(request.user, cohort_id)
    return cohort, access_lesson(request.user, cohort.course, lesson_id)


# --- courses and cohorts ---------------------------------------------------------------


@router.get("/courses", response=list[CourseOut], url_name="courses")
@paginate(Pages, page_size=20)
def list_courses(request: HttpRequest):
    """Courses I teach, or that run in a cohort space whose content I may read."""
    return course_list(viewer=request.user)


@router.post("/courses", response={201: CourseOut}, url_name="course_create")
def create_course(request: HttpRequest, data: CourseIn):
    """Create a course I teach (learning staff and org admins)."""
    return Status(201, actions.create_course(actor=request.user, **data.model_dump()))


@router.get("/courses/{course_id}", response=CourseOut, url_name="course")
def get_course(request: HttpRequest, course_id: PathId):
    return access_course_by_id(request.user, course_id)


@router.patch("/courses/{course_id}", response=CourseOut, url_name="course_update")
def update_course(request: HttpRequest, course_id: PathId, data: CoursePatch):
    """Change a course's title, address or summary (its instructors)."""
    course = access_course_by_id(request.user, course_id)
    return actions.update_course(
        actor=request.user, course=course, **data.model_dump(exclude_unset=True)
    )


@router.get("/courses/{course_id}/cohorts", response=list[CohortOut], url_name="course_cohorts")
@paginate(Pages, page_size=20)
def list_cohorts(request: HttpRequest, course_id: PathId):
    """The course's cohorts whose space I may read (all of them for instructors)."""
    course = access_course_by_id(request.user, course_id)
    return course_cohorts(viewer=request.user, course=course)


@router.post("/courses/{course_id}/cohorts", response={201: CohortOut}, url_name="cohort_create")
def create_cohort(request: HttpRequest, course_id: PathId, data: CohortIn):
    """Run the course in a new course space, with me as its instructor."""
    course = access_course_by_id(request.user, course_id)
    cohort = actions.add_cohort(actor=request.user, course=course, **data.model_dump())
    return Status(201, cohort)


# --- lessons ---------------------------------------------------------------------------


@router.get("/courses/{course_id}/lessons", response=list[LessonOut], url_name="course_lessons")
@paginate(Pages, page_size=50)
def list_lessons(request: HttpRequest, course_id: PathId):
    """Lessons in order: published ones, and drafts for the course's instructors."""
    course = access_course_by_id(request.user, course_id)
    return (
        course_lessons(viewer=request.user, course=course)
        .select_related("course", "video")
        .prefetch_related("attachments")
    )


@router.post("/courses/{course_id}/lessons", response={201: LessonOut}, url_name="lesson_create")
def create_lesson(request: HttpRequest, course_id: PathId, data: LessonIn):
    """Add a lesson at the end of the course (a draft unless `publish`)."""
    course = access_course_by_id(request.user, course_id)
    lesson = actions.create_lesson(actor=request.user, course=course, **data.model_dump())
    return Status(201, _lesson_out(lesson))


@router.put("/courses/{course_id}/lesson-order", response=list[LessonOut], url_name="lesson_order")
def reorder_lessons(request: HttpRequest, course_id: PathId, data: LessonOrderIn):
    """Put the course's lessons in a new order (every lesson once)."""
    course = _editable(request, access_course_by_id(request.user, course_id))
    actions.reorder_lessons(actor=request.user, course=course, lesson_ids=data.lesson_ids)
    return list(
        course_lessons(viewer=request.user, course=course)
        .select_related("course", "video")
        .prefetch_related("attachments")
    )


@router.get("/lessons/{lesson_id}", response=LessonOut, url_name="lesson")
def get_lesson(request: HttpRequest, lesson_id: PathId):
    return _lesson_out(access_lesson_by_id(request.user, lesson_id))


@router.patch("/lessons/{lesson_id}", response=LessonOut, url_name="lesson_update")
def update_lesson(request: HttpRequest, lesson_id: PathId, data: LessonPatch):
    """Change a lesson's title, content or external link (the course's instructors)."""
    lesson = access_lesson_by_id(request.user, lesson_id)
    actions.update_lesson(actor=request.user, lesson=lesson, **data.model_dump(exclude_unset=True))
    return _lesson_out(lesson)


@router.post("/lessons/{lesson_id}/video", response=LessonOut, url_name="lesson_video_upload")
def upload_lesson_video(
    request: HttpRequest,
    lesson_id: PathId,
    form: Form[VideoUploadIn],
    video: OptionalFile = None,
    captions: OptionalFile = None,
):
    """Add or replace a lesson's video (multipart: `video` MP4/WebM, `captions` WebVTT).

    Either may come alone (captions alone replace the current captions). A
    refused file (422) leaves the current video as it was.
    """
    lesson = access_lesson_by_id(request.user, lesson_id)
    actions.update_lesson(
        actor=request.user,
        lesson=lesson,
        video=video,
        captions=captions,
        captions_language=form.captions_language,
    )
    return _lesson_out(lesson)


@router.delete("/lessons/{lesson_id}/video", response=LessonOut, url_name="lesson_video_delete")
def delete_lesson_video(request: HttpRequest, lesson_id: PathId):
    """Remove a lesson's video."""
    lesson = access_lesson_by_id(request.user, lesson_id)
    actions.update_lesson(actor=request.user, lesson=lesson, remove_video=True)
    return _lesson_out(lesson)


@router.put("/lessons/{lesson_id}/publication", response=LessonOut, url_name="lesson_publish")
def publish_lesson(request: HttpRequest, lesson_id: PathId, data: PublicationIn):
    """Publish a lesson to learners, or take it back to draft."""
    lesson = access_lesson_by_id(request.user, lesson_id)
    actions.publish_lesson(actor=request.user, lesson=lesson, publish=data.is_published)
    return _lesson_out(lesson)


@router.post("/lessons/{lesson_id}/prompt", response={201: list[PromptOut]}, url_name="prompt_add")
def add_prompt(request: HttpRequest, lesson_id: PathId, data: PromptIn):
    """Open the lesson's prompt: a prompt thread in each cohort that has none yet."""
    lesson = access_lesson_by_id(request.user, lesson_id)
    prompts = actions.add_prompt(actor=request.user, lesson=lesson, **data.model_dump())
    return Status(201, prompts)


# --- building knowledge checks ---------------------------------------------------------


def _check_out(request: HttpRequest, lesson: Lesson) -> dict:
    check = lesson_check(lesson=lesson)
    if check is None:
        raise Http404("This lesson has no knowledge check.")
    reveal = can_edit_course(request.user, lesson.course)
    return {
        "lesson_id": lesson.pk,
        "passing_score": check.passing_score,
        "questions": [
            {
                "id": question.pk,
                "text": question.text,
                "choices": [
                    {
                        "id": choice.pk,
                        "text": choice.text,
                        "is_correct": choice.is_correct if reveal else None,
                    }
                    for choice in question.choices.all()
                ],
            }
            for question in check.questions.all()
        ],
    }


@router.put("/lessons/{lesson_id}/check", response=CheckOut, url_name="check_save")
def save_check(request: HttpRequest, lesson_id: PathId, data: CheckIn):
    """Give the lesson a knowledge check, or change its passing score (instructors)."""
    lesson = access_lesson_by_id(request.user, lesson_id)
    actions.set_check(actor=request.user, lesson=lesson, passing_score=data.passing_score)
    return _check_out(request, lesson)


def _question_of(request: HttpRequest, question_id: int) -> Question:
    question = (
        Question.objects.select_related("knowledge_check__lesson__course")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise Http404("No such question.")
    access_lesson_by_id(request.user, question.knowledge_check.lesson_id)
    return question


@router.post(
    "/lessons/{lesson_id}/check/questions", response={201: CheckOut}, url_name="question_add"
)
def add_question(request: HttpRequest, lesson_id: PathId, data: QuestionIn):
    """Add a multiple-choice question to the lesson's check; returns the whole check."""
    lesson = access_lesson_by_id(request.user, lesson_id)
    actions.add_question(
        actor=request.user,
        lesson=lesson,
        text=data.text,
        choices=[(choice.text, choice.is_correct) for choice in data.choices],
    )
    return Status(201, _check_out(request, lesson))


@router.put("/questions/{question_id}", response=CheckOut, url_name="question_update")
def update_question(request: HttpRequest, question_id: PathId, data: QuestionIn):
    """Replace a question's text and choices; returns the whole check."""
    question = _question_of(request, question_id)
    actions.update_question(
        actor=request.user,
        question=question,
        text=data.text,
        choices=[(choice.text, choice.is_correct) for choice in data.choices],
    )
    return _check_out(request, question.knowledge_check.lesson)


@router.delete("/questions/{question_id}", response={204: None}, url_name="question_delete")
def delete_question(request: HttpRequest, question_id: PathId):
    actions.delete_question(actor=request.user, question=_question_of(request, question_id))
    return Status(204, None)


# --- learning in a cohort --------------------------------------------------------------


@router.put(
    "/cohorts/{cohort_id}/lessons/{lesson_id}/completion",
    response=CompletionOut,
    url_name="lesson_complete",
)
def complete_lesson(request: HttpRequest, cohort_id: PathId, lesson_id: PathId):
    """Mark a lesson done in a cohort I belong to (again: no change)."""
    cohort, lesson = _cohort_lesson(request, cohort_id, lesson_id)
    actions.complete_lesson(user=request.user, cohort=cohort, lesson=lesson)
    return {"lesson_id": lesson.pk, "cohort_id": cohort.pk, "completed": True}


@router.delete(
    "/cohorts/{cohort_id}/lessons/{lesson_id}/completion",
    response={204: None},
    url_name="lesson_uncomplete",
)
def uncomplete_lesson(request: HttpRequest, cohort_id: PathId, lesson_id: PathId):
    """Undo marking a lesson done."""
    cohort, lesson = _cohort_lesson(request, cohort_id, lesson_id)
    actions.uncomplete_lesson(user=request.user, cohort=cohort, lesson=lesson)
    return Status(204, None)


@router.get("/lessons/{lesson_id}/check", response=CheckOut, url_name="lesson_check")
def get_check(request: HttpRequest, lesson_id: PathId):
    """The lesson's knowledge check; which choices are right only for its instructors."""
    return _check_out(request, access_lesson_by_id(request.user, lesson_id))


@router.post(
    "/cohorts/{cohort_id}/lessons/{lesson_id}/attempts",
    response={201: AttemptOut},
    url_name="check_attempt",
)
def submit_attempt(request: HttpRequest, cohort_id: PathId, lesson_id: PathId, data: AttemptIn):
    """Answer the lesson's check (every question); every attempt is kept with its score."""
    cohort, lesson = _cohort_lesson(request, cohort_id, lesson_id)
    answers: dict[int, list[int]] = {}
    for answer in data.answers:
        if answer.question_id in answers:
            raise ValidationError({"answers": [actions.FOREIGN_CHOICE]})
        answers[answer.question_id] = answer.choice_ids
    attempt = actions.submit_attempt(
        user=request.user, cohort=cohort, lesson=lesson, answers=answers
    )
    return Status(
        201,
        {
            "id": attempt.pk,
            "lesson_id": lesson.pk,
            "cohort_id": cohort.pk,
            "score": attempt.score,
            "passed": attempt.passed,
            "created_at": attempt.created_at,
        },
    )


@router.get("/cohorts/{cohort_id}/progress", response=list[ProgressOut], url_name="progress")
@paginate(Pages, page_size=50)
def my_progress(request: HttpRequest, cohort_id: PathId):
    """My progress in a cohort: each lesson done or not, my best check score."""
    cohort = access_cohort_by_id(request.user, cohort_id)
    if not can_learn_in(request.user, cohort):
        raise PermissionDenied(actions.CANNOT_LEARN)
    return [
        {
            "lesson_id": row.lesson.pk,
            "title": row.lesson.title,
            "completed": row.completed,
            "has_check": row.has_check,
            "best_score": row.best_score,
            "passed": row.passed,
        }
        for row in progress(viewer=request.user, user=request.user, cohort=cohort)
    ]


@router.get("/cohorts/{cohort_id}/roster", response=RosterPage, url_name="roster")
def cohort_roster(request: HttpRequest, cohort_id: PathId, pages: Query[PageQuery]):
    """Each learner of a cohort: lessons done, best scores, contributions (instructors)."""
    cohort = access_cohort_by_id(request.user, cohort_id)
    if not can_view_roster(request.user, cohort):
        raise PermissionDenied(CANNOT_ROSTER)
    size = pages.page_size or 25
    rows = roster(cohort=cohort)
    count = rows.count()
    start = (pages.page - 1) * size
    members = list(rows[start : start + size])
    scores = best_scores(cohort=cohort, user_ids=[row.user_id for row in members])
    total = published_count(course=cohort.course)
    return {
        "count": count,
        "page": pages.page,
        "page_size": size,
        "items": [
            {
                "user_id": row.user_id,
                "name": row.user.name,
                "completed": row.completed,
                "lesson_total": total,
                "best_scores": {
                    str(lesson_id): score
                    for (user_id, lesson_id), score in scores.items()
                    if user_id == row.user_id
                },
                "contributions": row.thread_count + row.reply_count,
            }
            for row in members
        ],
    }
