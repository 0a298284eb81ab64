from django.urls import path

from agora.courses import views

COURSE = "courses/<slug:slug>/"
LESSON = COURSE + "lessons/<int:lesson_id>/"
COHORT_LESSON = "spaces/<slug:slug>/lessons/<int:lesson_id>/"

urlpatterns = [
    path("courses/", views.course_list_page, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path(COURSE, views.course_detail, name="course_detail"),
    path(COURSE + "edit/", views.course_edit, name="course_edit"),
    path(COURSE + "cohorts/new/", views.cohort_create, name="cohort_create"),
    path(COURSE + "lessons/new/", views.lesson_create, name="lesson_create"),
    path(LESSON + "edit/", views.lesson_edit, name="lesson_edit"),
    path(LESSON + "publish/", views.lesson_publish, name="lesson_publish"),
    path(LESSON + "move/", views.lesson_move, name="lesson_move"),
    path(LESSON + "files/", views.attachment_add, name="lesson_attachment_add"),
    path(LESSON + "video/<str:part>/", views.lesson_video_file, name="lesson_video_file"),
    path(
        LESSON + "files/<int:attachment_id>/",
        views.attachment_download,
        name="lesson_attachment_download",
    ),
    path(
        LESSON + "files/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="lesson_attachment_remove",
    ),
    path(LESSON + "prompt/", views.prompt_add, name="lesson_prompt_add"),
    path(LESSON + "check/", views.check_save, name="lesson_check_save"),
    path(LESSON + "check/questions/", views.question_add, name="lesson_question_add"),
    path(
        LESSON + "check/questions/<int:question_id>/",
        views.question_edit,
        name="lesson_question_edit",
    ),
    path(
        LESSON + "check/questions/<int:question_id>/delete/",
        views.question_delete,
        name="lesson_question_delete",
    ),
    path("spaces/<slug:slug>/lessons/", views.cohort_lessons, name="cohort_lessons"),
    path("spaces/<slug:slug>/roster/", views.cohort_roster, name="cohort_roster"),
    path(
        "spaces/<slug:slug>/roster/<int:user_id>/",
        views.learner_progress,
        name="learner_progress",
    ),
    path(COHORT_LESSON, views.lesson_detail, name="lesson_detail"),
    path(COHORT_LESSON + "complete/", views.lesson_complete, name="lesson_complete"),
    path(COHORT_LESSON + "check/", views.check_attempt, name="lesson_check_attempt"),
]
