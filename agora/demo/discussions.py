"""What people say in the demo's spaces, in order, through the discussion actions.

Steps join a space plan's steps (see `agora.demo.spaces`), after the people
taking part have joined:

- ``("thread", author, key, kind, title, body)``, or with a seventh item of
  options (``{"post_first": True, "skills": ["Statistics"]}``: skills by name,
  from the people's skills; ``{"video": True}`` adds the demo clip of
  `agora.demo.media` when ffmpeg is installed): start a thread;
- ``("reply", author, key, thread, parent, stance, body)``: a response
  (``parent`` empty) or a comment on the response ``parent``;
- ``("react", person, reply, kind)``; ``("endorse", person, reply)``;
- ``("accept_answer", person, thread, reply)``; ``("pin", person, thread)``.

Keys name threads and replies so later steps can point at them.
"""

from __future__ import annotations

from typing import Any

Step = tuple[Any, ...]

AGREE, DISAGREE, ALTERNATIVE, NONE = "agree", "disagree", "alternative", ""


def _talk(thread: str, *replies: tuple[str, str, str, str, str]) -> list[Step]:
    """Replies to `thread`: (author, key, parent, stance, body) each."""
    return [("reply", author, key, thread, parent, stance, body)
            for author, key, parent, stance, body in replies]  # fmt: skip


# --- Data Literacy for Everyone (the current cohort) --------------------------------

# The instructor opens the course before most learners arrive.
LITERACY_WELCOME: list[Step] = [
    (
        "thread",
        "helena",
        "welcome",
        "blog",
        "Welcome to the {cohort} cohort: how we will learn together",
        """\
Welcome, everyone! You come from all over the organization, which is
exactly the mix this course needs: the best questions about a number come from
someone who did *not* produce it.

How each week works:

1. **Monday**: a short lesson (15–20 minutes).
2. **Wednesday**: a discussion prompt. Answer it, then read two classmates and
   tell them whether you **agree**, **disagree** or have an **alternative view**.
   Disagreeing politely is the point, not a faux pas.
3. **Friday**: live Q&A at 15:00 Berlin time; questions can be posted here
   beforehand.

Lena Fischer from the Data team co-teaches with me. Ask in the course, not by
email: your question is probably someone else's too.

— Helena
""",
    ),
]

LITERACY_TALK: list[Step] = [
    (
        "thread",
        "helena",
        "week1",
        "prompt",
        "Week 1 prompt: what is this number hiding?",
        """\
Our support dashboard says: **average first response time: 4 hours**.

A colleague concludes: *"So customers wait about four hours for an answer."*

Do you **agree**, **disagree**, or do you have an **alternative view**? Say
what you would check before you believed it. Then reply to one classmate.
""",
        {"skills": ["Statistics"]},
    ),
    *_talk(
        "week1",
        (
            "jamie",
            "w1-jamie",
            "",
            DISAGREE,
            "The average hides the shape. A handful of tickets that sat over a weekend can "
            "pull the mean up to four hours while most customers hear back in twenty "
            "minutes. I'd ask for the **median** and the 90th percentile before saying "
            "anything about a typical customer.",
        ),
        (
            "diego",
            "w1-diego",
            "",
            AGREE,
            "For staffing it's the right number: total waiting divided by tickets. So I "
            "agree with the sentence as a *capacity* figure, just not as a promise to a "
            "customer.",
        ),
        (
            "aisha",
            "w1-aisha-c",
            "w1-jamie",
            AGREE,
            "Agree, and split it by channel too. Chat and email have completely different "
            "rhythms in our queue; one average mixes two queues.",
        ),
        (
            "olivia",
            "w1-olivia",
            "",
            ALTERNATIVE,
            "My first question would be *which tickets were counted*. If auto-closed spam "
            "gets a 0-minute response, the real wait for humans is longer than four hours, "
            "not shorter.",
        ),
        (
            "hiro",
            "w1-hiro-c",
            "w1-diego",
            DISAGREE,
            "Capacity planning needs arrivals per hour, not the mean wait. The mean wait "
            "mixes how busy we are with how we prioritise.",
        ),
        (
            "rosa",
            "w1-rosa",
            "",
            DISAGREE,
            "Business hours or calendar hours? A ticket sent at 17:55 on Friday and "
            "answered at 09:05 on Monday is 63 hours on the calendar and 10 minutes on the "
            "business clock. Which one did the dashboard use?",
        ),
        (
            "tom",
            "w1-tom-c",
            "w1-jamie",
            ALTERNATIVE,
            "Or skip averages entirely and show the **share answered within one hour**. "
            "That's the promise customers actually remember.",
        ),
        (
            "lena",
            "w1-lena-c",
            "w1-olivia",
            AGREE,
            "This is the question to ask of every number: what got counted, and what got "
            "left out? Nice catch, @olivia-bennett.",
        ),
        (
            "diego",
            "w1-diego-c",
            "w1-diego",
            NONE,
            "Fair point. I was thinking of total hours, but you're right that it tells us "
            "nothing about peaks.",
        ),
    ),
    ("react", "tom", "w1-jamie", "helpful"),
    ("react", "olivia", "w1-jamie", "insightful"),
    ("react", "jamie", "w1-rosa", "insightful"),
    ("react", "aisha", "w1-olivia", "helpful"),
    ("react", "noor", "w1-olivia", "insightful"),
    ("endorse", "helena", "w1-olivia"),
    (
        "thread",
        "diego",
        "median-question",
        "question",
        "MEDIAN in Sheets gives a strange result for the week 2 exercise",
        """\
In the week 2 ticket export, `=MEDIAN(C2:C400)` gives **0**, but most tickets
clearly took minutes to hours. `=AVERAGE` gives 52. What am I doing wrong?
""",
        {"skills": ["Statistics", "Excel"]},
    ),
    *_talk(
        "median-question",
        (
            "olivia",
            "mq-olivia",
            "",
            NONE,
            "Are some cells text rather than numbers? Try `=COUNT(C2:C400)`: if it's far "
            "below 399, the column was imported as text.",
        ),
        (
            "hiro",
            "mq-hiro",
            "",
            NONE,
            "MEDIAN ignores blank cells but **counts zeros**. The old export wrote `0` when "
            "the response time was unknown. Filter them out first:\n\n"
            "```\n=MEDIAN(FILTER(C2:C400, C2:C400 > 0))\n```\n\n"
            "Then say in your answer how many tickets you dropped and why.",
        ),
        (
            "tom",
            "mq-tom",
            "",
            NONE,
            "Same thing happened to me. Worth asking the support team what `0` means "
            "before deciding, though: some really were answered instantly by the bot.",
        ),
        (
            "diego",
            "mq-diego-c",
            "mq-hiro",
            NONE,
            "That was it: 212 zeros from the old export. The median is 38 minutes now. Thank you!",
        ),
    ),
    ("accept_answer", "diego", "median-question", "mq-hiro"),
    ("react", "diego", "mq-hiro", "thanks"),
    ("react", "aisha", "mq-hiro", "helpful"),
    ("react", "diego", "mq-tom", "helpful"),
    (
        "thread",
        "helena",
        "qa-moved",
        "announcement",
        "This Friday's Q&A moves to 16:00",
        "The all-hands runs over this Friday, so our live Q&A starts at **16:00 "
        "Berlin time** instead of 15:00. Same link as always. Bring your week 3 charts!",
    ),
    ("pin", "helena", "qa-moved"),
    (
        "thread",
        "helena",
        "week3",
        "prompt",
        "Week 3 prompt: a chart that misled you",
        """\
Find a chart, from work or from the news, that misled you, even a little.
Describe what it showed, what it hid, and how you would redraw it.

This prompt is **post before you see others**: you will see classmates'
charts once you have posted your own, so nobody just picks the obvious one.
""",
        {"post_first": True, "skills": ["Data visualization"]},
    ),
    *_talk(
        "week3",
        (
            "noor",
            "w3-noor",
            "",
            NONE,
            "Our quarterly deck showed revenue on a y-axis starting at 9.5 M. A 4 % rise "
            "looked like the line had doubled. I'd redraw it from zero, or keep the axis "
            "and label the change in words: *+4 % on last quarter*.",
        ),
        (
            "zanele",
            "w3-zanele",
            "",
            NONE,
            "A pie chart of budget by department with **fourteen** slices. The three "
            "smallest departments were unreadable, and they were the ones asking for more "
            "money. A sorted bar chart would have told the story in two seconds.",
        ),
        (
            "emily",
            "w3-emily",
            "",
            NONE,
            (
                "Our monthly win-rate chart compared March (deals *closed* in the month) with "
                "April (deals *created* in the month). Same bars, two definitions, and April "
                "looked like a collapse."
            ),
        ),
        (
            "emily",
            "w3-emily-c",
            "w3-noor",
            DISAGREE,
            "I'd defend that one a little: a line chart doesn't need a zero baseline if the "
            "axis is clearly labelled, because we read its slope, not its height. Bars do "
            "need zero, since we compare their lengths.",
        ),
        (
            "ethan",
            "w3-ethan",
            "",
            NONE,
            "A dual-axis chart of sign-ups and ad spend that made them look perfectly "
            "correlated. Move one axis and the story disappears.",
        ),
        (
            "mei",
            "w3-mei",
            "",
            NONE,
            (
                "A training-satisfaction chart: 4.6 out of 5, up from 4.1. Only people who "
                "finished the course got the survey, and the ones who dropped out were the "
                "unhappy ones."
            ),
        ),
        (
            "mei",
            "w3-mei-c",
            "w3-zanele",
            AGREE,
            "Yes! Pies work for two or three slices at most. Sorting the bars is the most "
            "underrated chart fix there is.",
        ),
        (
            "rafael",
            "w3-rafael",
            "",
            NONE,
            (
                "From my field: an A/B test dashboard that plots the p-value every day. Stop "
                "the test on the first day it dips below 0.05 and you will “win” far more often"
                " than you should."
            ),
        ),
        (
            "rafael",
            "w3-rafael-c",
            "w3-ethan",
            AGREE,
            "Dual axes are the easiest way to invent a correlation: you choose both scales, "
            "so you choose how well the lines match. In week 4 I'll show three more ways.",
        ),
        (
            "jamie",
            "w3-jamie",
            "",
            NONE,
            "Our NPS chart showed a single line going up. It turned out the survey had "
            "moved from every customer to only those who closed a ticket happily.",
        ),
        (
            "noor",
            "w3-noor-c",
            "w3-noor",
            ALTERNATIVE,
            "Fair for slopes. But this deck was shown to people who read it in ten "
            "seconds, so I'd still rather start from zero and annotate the change.",
        ),
        (
            "liam",
            "w3-liam",
            "",
            NONE,
            (
                "Supplier on-time delivery shown as 98 %. Orders the supplier had rescheduled "
                "counted as on time against the *new* date."
            ),
        ),
        (
            "liam",
            "w3-liam-c",
            "w3-jamie",
            AGREE,
            "Same data, different people asked. That's the sneakiest kind of misleading "
            "because the chart itself is drawn perfectly.",
        ),
    ),
    ("react", "helena", "w3-jamie", "insightful"),
    ("react", "noor", "w3-emily-c", "insightful"),
    ("react", "ethan", "w3-zanele", "helpful"),
    ("react", "zanele", "w3-mei-c", "thanks"),
    ("endorse", "lena", "w3-jamie"),
    (
        "thread",
        "lena",
        "week4",
        "prompt",
        "Week 4 prompt: did the training cause the drop in tickets?",
        """\
Teams that took the new onboarding training logged **30 % fewer** support
tickets the next month than teams that did not.

*"The training cut tickets by 30 %."* Do you **agree**, **disagree**, or do you
have an **alternative explanation**? What would convince you either way?
""",
        {"skills": ["Statistics", "Experiment design"]},
    ),
    *_talk(
        "week4",
        (
            "liam",
            "w4-liam",
            "",
            AGREE,
            "Thirty per cent is big, and the training covered exactly the top ticket "
            "categories. I'd give it at least part of the credit.",
        ),
        (
            "aisha",
            "w4-aisha",
            "",
            DISAGREE,
            "The training ran in December, and ticket volume drops every December. "
            "Compare with last December before crediting anything.",
        ),
        (
            "leila",
            "w4-leila-c",
            "w4-liam",
            DISAGREE,
            "Who chose to take the training? If the most organised teams signed up first, "
            "they would have had fewer tickets anyway.",
        ),
        (
            "jamie",
            "w4-jamie",
            "",
            ALTERNATIVE,
            "Compare with the teams that signed up but were **waitlisted**: same "
            "motivation, no training yet. That's as close to an experiment as we'll get "
            "without running one.",
        ),
        (
            "rafael",
            "w4-rafael-c",
            "w4-jamie",
            AGREE,
            "This is exactly how we'd design it as an experiment. Waitlists are natural "
            "control groups, as long as the waitlist order was not chosen by hand.",
        ),
        (
            "morgan",
            "w4-morgan",
            "",
            ALTERNATIVE,
            "The new ticket form launched the same week and merged three categories into "
            "one. Some of the 30 % may be the counting, not the customers.",
        ),
        (
            "liam",
            "w4-liam-c",
            "w4-aisha",
            AGREE,
            "Fair, I hadn't thought of seasonality. Did any team take it in another month?",
        ),
        (
            "olivia",
            "w4-olivia-c",
            "w4-morgan",
            AGREE,
            "Always ask whether the measuring changed before asking whether the world did.",
        ),
    ),
    (
        "thread",
        "jamie",
        "show-card",
        "show_and_tell",
        "Show and tell: our first chart video (5 seconds)",
        """\
Our team recorded a tiny walkthrough of the chart we are building for week 6.
It is only the test card for now, with captions, so you can check that video
works for you before the real one. Tell me what you would want explained.
""",
        {"video": True},
    ),
    *_talk(
        "show-card",
        (
            "helena",
            "show-card-helena",
            "",
            NONE,
            "Plays well here, captions and all. Keep it short like this!",
        ),
    ),
    ("react", "helena", "w4-jamie", "insightful"),
    ("react", "liam", "w4-leila-c", "thanks"),
    ("react", "aisha", "w4-morgan", "helpful"),
    ("react", "diego", "w4-jamie", "helpful"),
    ("endorse", "lena", "w4-jamie"),
]


# --- Python Guild (a community) ------------------------------------------------------

PYTHON_TALK: list[Step] = [
    (
        "thread",
        "fatima",
        "big-csv",
        "question",
        "Reading a 2 GB CSV in pandas without running out of memory?",
        """\
`pd.read_csv("events.csv")` on the nightly export eats all 16 GB of my laptop
and dies. I only need four of the forty columns. What's the sane way to do this?
""",
        {"skills": ["Python"]},
    ),
    *_talk(
        "big-csv",
        (
            "priya",
            "csv-priya",
            "",
            NONE,
            "Start with `usecols` and `dtype`:\n\n"
            '```python\npd.read_csv(path, usecols=["ts", "user_id", "kind", "value"],\n'
            '            dtype={"kind": "category", "value": "float32"})\n```\n\n'
            "Text columns with few distinct values as `category` usually cut memory by 10×.",
        ),
        (
            "arjun",
            "csv-arjun",
            "",
            NONE,
            "If you only aggregate, don't load it at all: DuckDB queries the CSV in place. "
            "`duckdb.sql(\"select kind, count(*) from 'events.csv' group by kind\")`.",
        ),
        (
            "oskar",
            "csv-oskar-c",
            "csv-arjun",
            AGREE,
            "+1 for DuckDB. We replaced a 40-minute pandas job with a 12-second query.",
        ),
        (
            "fatima",
            "csv-fatima-c",
            "csv-priya",
            NONE,
            "`usecols` plus `category` took it from 16 GB to 1.3 GB. Thanks, Priya!",
        ),
    ),
    ("accept_answer", "fatima", "big-csv", "csv-priya"),
    ("react", "fatima", "csv-priya", "thanks"),
    ("react", "chloe", "csv-arjun", "helpful"),
    ("endorse", "kenji", "csv-priya"),
    (
        "thread",
        "kenji",
        "type-hints",
        "discussion",
        "Type hints in notebooks: worth it?",
        "We require type hints in services. Should we ask for them in analysis "
        "notebooks too, or is that ceremony where people are exploring?",
        {"skills": ["Python", "Code review"]},
    ),
    *_talk(
        "type-hints",
        (
            "chloe",
            "th-chloe",
            "",
            NONE,
            "Not while exploring. Once a function moves from the notebook into our shared "
            "package, yes, and that's the moment we review it anyway.",
        ),
        (
            "samuel",
            "th-samuel",
            "",
            NONE,
            "I add them to anything that takes a DataFrame, just to name the columns it "
            "expects. It saved me twice last month.",
        ),
        (
            "ana",
            "th-ana-c",
            "th-chloe",
            AGREE,
            "Agree: the notebook-to-package move is the natural checkpoint.",
        ),
        (
            "hannah",
            "th-hannah-c",
            "th-samuel",
            ALTERNATIVE,
            "For DataFrames I'd rather validate at run time (pandera) than type-hint: the "
            "hint can't tell you a column is missing.",
        ),
    ),
    ("react", "kenji", "th-hannah-c", "insightful"),
]
