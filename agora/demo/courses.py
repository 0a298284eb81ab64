"""The demo's course: "Data literacy for teams", run in the current cohort space.

Helena Vogt (the demo instructor) writes the course and its lessons through
the course actions, makes the existing course space "Data Literacy for
Everyone — <season>" its cohort, and attaches the weekly prompt threads the
cohort already discusses (`agora.demo.discussions`) to their lessons rather
than opening new ones. Lesson 2 carries a knowledge check; some learners take
it (a few more than once) and mark lessons done.

`course_steps` returns the steps for the demo builder, which runs them after
the spaces' own steps and backdates each onto the timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agora.courses import actions
from agora.courses.models import Cohort, Course, Lesson
from agora.demo.media import demo_clip
from agora.discussions.models import Thread
from agora.spaces.models import Space

if TYPE_CHECKING:
    from agora.accounts.models import User

COURSE_TITLE = "Data literacy for teams"
COURSE_SUMMARY = """\
Read charts critically, ask better questions of data, and make one honest
chart of your own. No maths beyond percentages.

Each lesson takes 15–20 minutes. Most come with a **discussion prompt** for
your cohort: answer it, then tell two classmates whether you agree, disagree
or see it another way.
"""


def _lesson(title: str, content: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "content": content, **extra}


LESSONS: list[dict[str, Any]] = [
    _lesson(
        "What is a number hiding?",
        """\
Every number on a dashboard is the end of a story: someone chose **what to
count**, **when to count it**, and **how to sum it up**. Before you believe a
number, ask for the story.

## Three questions to ask of any number

1. *What was counted?* Tickets, customers, sessions? Were some left out (spam,
   test accounts, weekends)?
2. *Over what period?* A monthly figure can hide a terrible first week.
3. *How was it summarized?* An **average** is one choice among several.

## An example

> Average first response time: 4 hours.

| Ticket | Waited |
|---|---|
| A | 10 minutes |
| B | 15 minutes |
| C | 20 minutes |
| D | 15 hours (sent on a Friday evening) |

The average is about 4 hours, yet three customers out of four heard back in
under half an hour. Neither number is *wrong*; each answers a different question.

**Try it:** pick one number from a report you received this week and write
down what it might be hiding.
""",
        prompt="week1",
        video=True,  # the demo clip (agora.demo.media), when ffmpeg is installed
        external_url="https://learn.example.org/courses/data-literacy/lesson-1",
    ),
    _lesson(
        "Averages, spreads and outliers",
        """\
An average tells you where the middle is; it says nothing about **how far
apart** things are. Two teams can have the same average response time and
very different customers' experiences.

## Mean, median, percentiles

- The **mean** adds everything up and divides: one huge value pulls it far.
- The **median** is the middle value: half are below, half above. Outliers
  barely move it.
- The **90th percentile** says "nine in ten were at least this fast": it is
  what your unluckiest regular customer feels.

## Spread

Look at the *range* (smallest to largest) and at a simple histogram before
summarizing. If the histogram has two humps, you probably have **two groups**
mixed together: split them before you average.

## Outliers

An outlier is a question, not a nuisance. Ask *why* it is there before you
remove it; sometimes it is the most important row in the table.

Take the short knowledge check below when you are done.
""",
        check=True,
    ),
    _lesson(
        "Charts that tell the truth (and ones that don't)",
        """\
Charts persuade faster than tables, which is exactly why they mislead so well.

## Five things to check on any chart

1. **Does the axis start at zero?** Bars must; lines may not, but then say so.
2. **Are the time steps even?** Missing months make trends look smooth.
3. **Is it a share or a count?** 40 % of a small group is not many people.
4. **Is there a dual axis?** Two scales can make any two lines look related.
5. **What is not shown?** The comparison group is often the real story.

## Make it honest

- Label the axes with units.
- Put the conclusion in the title, then let the reader check it.
- Show the uncertainty when you know it.
""",
        prompt="week3",
    ),
    _lesson(
        "Correlation, causation and coincidence",
        """\
Two things moving together is where an investigation *starts*, not where it ends.

## Three explanations to rule out

- **Chance**: with enough metrics, some will move together by accident.
- **A common cause**: both are driven by something else (season, team size).
- **Reverse direction**: maybe B causes A.

## What would convince you

A fair comparison group, a change that came *before* the effect, and a
mechanism you can explain. When you can, run an experiment: assign the change
at random and compare.
""",
        prompt="week4",
    ),
    _lesson(
        "Asking for data: writing a good request",
        """\
*Draft: coming in week 5.* A good data request names the decision it
supports, the population, the period and the definition of each field.
""",
        publish=False,
    ),
]

CHECK_QUESTIONS: list[tuple[str, list[tuple[str, bool]]]] = [
    (
        "One ticket waited 15 hours; three waited under 20 minutes. Which summary "
        "best describes a typical customer's wait?",
        [("The mean", False), ("The median", True), ("The longest wait", False)],
    ),
    (
        "A histogram of delivery times has two humps. What should you do first?",
        [
            ("Report the mean of all deliveries", False),
            ("Split the data into the two groups and look at each", True),
            ("Remove the smaller hump as outliers", False),
        ],
    ),
    (
        "Which statements about outliers are true? (Choose every right answer.)",
        [
            ("They may be the most important rows", True),
            ("They pull the mean more than the median", True),
            ("They should always be deleted before analysis", False),
        ],
    ),
]

# (learner, answers as indexes of the choices chosen per question), in order.
ATTEMPTS: list[tuple[str, list[list[int]]]] = [
    ("jamie", [[1], [1], [0, 1]]),
    ("tom", [[0], [1], [0, 1]]),
    ("tom", [[1], [1], [0, 1]]),
    ("diego", [[1], [0], [1]]),
    ("aisha", [[1], [1], [0, 1]]),
    ("olivia", [[1], [1], [1]]),
]

# Learners and how many lessons (from the first) they have marked done.
COMPLETIONS: list[tuple[str, int]] = [
    ("jamie", 4),
    ("aisha", 4),
    ("tom", 3),
    ("olivia", 3),
    ("diego", 2),
    ("rosa", 2),
    ("hiro", 1),
    ("noor", 1),
    ("liam", 1),
    ("mei", 2),
]


class _Context:
    """What the steps share: ids, read fresh in each step (actions cache roles on users)."""

    def __init__(
        self, user: Callable[[str], User], spaces: dict[str, int], threads: dict[str, int]
    ):
        self.user = user
        self.spaces = spaces
        self.threads = threads
        self.course_id = 0
        self.lesson_ids: list[int] = []

    def course(self) -> Course:
        return Course.objects.get(pk=self.course_id)

    def lesson(self, index: int) -> Lesson:
        return Lesson.objects.select_related("course").get(pk=self.lesson_ids[index])

    def cohort(self) -> Cohort:
        return Cohort.objects.select_related("course", "space").get(course_id=self.course_id)


def course_steps(
    *, user: Callable[[str], User], spaces: dict[str, int], threads: dict[str, int]
) -> list[Callable[[], None]]:
    """Return the demo course's steps, to run once the spaces and their talk exist."""
    context = _Context(user, spaces, threads)
    steps: list[Callable[[], None]] = [lambda: _create_course(context)]
    steps += [lambda index=index: _write_lesson(context, index) for index in range(len(LESSONS))]
    steps.append(lambda: _build_check(context))
    steps += [lambda attempt=attempt: _attempt(context, *attempt) for attempt in ATTEMPTS]
    steps += [
        lambda person=person, count=count: _complete(context, person, count)
        for person, count in COMPLETIONS
    ]
    return steps


def _create_course(context: _Context) -> None:
    helena = context.user("helena")
    course = actions.create_course(actor=helena, title=COURSE_TITLE, summary=COURSE_SUMMARY)
    context.course_id = course.pk
    actions.add_instructor(actor=helena, course=course, user=context.user("lena"))
    space = Space.objects.get(pk=context.spaces["literacy"])
    actions.add_cohort(actor=helena, course=course, space=space)


def _write_lesson(context: _Context, index: int) -> None:
    plan = LESSONS[index]
    helena = context.user("helena")
    lesson = actions.create_lesson(
        actor=helena,
        course=context.course(),
        title=plan["title"],
        content=plan["content"],
        external_url=plan.get("external_url", ""),
        publish=plan.get("publish", True),
    )
    context.lesson_ids.append(lesson.pk)
    if plan.get("video") and (clip := demo_clip()):
        actions.update_lesson(actor=helena, lesson=lesson, **clip)
    if plan.get("prompt"):
        thread = Thread.objects.get(pk=context.threads[plan["prompt"]])
        actions.attach_prompt(actor=helena, lesson=lesson, thread=thread)


def _build_check(context: _Context) -> None:
    helena = context.user("helena")
    lesson = next(context.lesson(index) for index, plan in enumerate(LESSONS) if plan.get("check"))
    actions.set_check(actor=helena, lesson=lesson, passing_score=67)
    for text, choices in CHECK_QUESTIONS:
        actions.add_question(actor=helena, lesson=lesson, text=text, choices=choices)


def _attempt(context: _Context, person: str, picks: list[list[int]]) -> None:
    lesson = next(context.lesson(index) for index, plan in enumerate(LESSONS) if plan.get("check"))
    questions = list(lesson.knowledge_check.questions.prefetch_related("choices"))
    answers = {
        question.pk: [list(question.choices.all())[pick].pk for pick in chosen]
        for question, chosen in zip(questions, picks, strict=True)
    }
    actions.submit_attempt(
        user=context.user(person), cohort=context.cohort(), lesson=lesson, answers=answers
    )


def _complete(context: _Context, person: str, count: int) -> None:
    """`person` marks the first `count` lessons done, catching up in one sitting."""
    learner, cohort = context.user(person), context.cohort()
    for index in range(count):
        actions.complete_lesson(user=learner, cohort=cohort, lesson=context.lesson(index))
