"""Who knows what in the demo organization, and the work that shows it.

The story the expert finder should tell: **Oskar Lindqvist** is the
organization's Kubernetes expert. He facilitates the Platform Guild, his
answers to colleagues' Kubernetes questions are accepted and endorsed, and
five colleagues vouch for him. **Marcus Johnson** also lists Kubernetes at
"expert", but nothing he has written shows it (his one attempt at an answer
was not the one that helped), so a search for Kubernetes puts Oskar first
and Marcus well below. Ana and Samuel are learning it.

- `ALIASES`: other names people type for a skill ("k8s", "ML", "JS"…);
- `PARENTS`: a few skills placed under a broader one;
- `ENDORSEMENTS`: (endorser, person, skill, note) — colleagues vouching;
- `PLATFORM_TALK`: the Platform Guild's questions and answers, written with
  the steps of `agora.demo.discussions`; `ML_TALK`: a machine-learning
  question in the Python Guild that Arjun answers.
"""

from __future__ import annotations

from agora.demo.discussions import AGREE, NONE, Step, _talk

ALIASES: dict[str, list[str]] = {
    "Kubernetes": ["k8s", "kube"],
    "Machine learning": ["ML"],
    "JavaScript": ["JS", "ECMAScript"],
    "TypeScript": ["TS"],
    "PostgreSQL": ["Postgres"],
    "Accessibility": ["a11y"],
    "Data visualization": ["dataviz", "charts"],
    "Statistics": ["stats"],
    "Experiment design": ["A/B testing"],
    "User research": ["UX research"],
    "Application security": ["AppSec"],
    "Financial modelling": ["financial modeling"],
}

PARENTS: dict[str, str] = {
    "Django": "Python",
    "React": "JavaScript",
    "TypeScript": "JavaScript",
    "dbt": "SQL",
    "Airflow": "Python",
}

ENDORSEMENTS: list[tuple[str, str, str, str]] = [
    ("ana", "oskar", "Kubernetes", "Got our staging cluster back in ten minutes."),
    ("samuel", "oskar", "Kubernetes", "Sized our Airflow workers; the bill dropped by a third."),
    ("kenji", "oskar", "Kubernetes", "The person I call when a cluster misbehaves."),
    ("fatima", "oskar", "Kubernetes", "Reviews our network policies with real care."),
    ("arjun", "oskar", "Kubernetes", ""),
    ("priya", "oskar", "Terraform", "Our preview environments are his Terraform."),
    ("tomasz", "oskar", "Incident response", "Calm at 3 a.m."),
    ("ana", "kenji", "Python", "Every review of his teaches me something."),
    ("marcus", "kenji", "Code review", ""),
    ("chloe", "kenji", "PostgreSQL", "Found the missing index in five minutes."),
    ("lena", "arjun", "Machine learning", "Built the churn model we still use."),
    ("nina", "arjun", "Experiment design", ""),
    ("chloe", "lena", "SQL", "Taught me window functions."),
    ("hannah", "lena", "Data visualization", ""),
    ("helena", "lena", "Statistics", "Co-teaches the data course; explains p-values kindly."),
    ("noor", "lucas", "Accessibility", "Audited our checkout with a screen reader."),
    ("priya", "lucas", "Accessibility", ""),
    ("ben", "lucas", "Design systems", ""),
    ("lucas", "priya", "JavaScript", "Knows the event loop better than the browser does."),
    ("marcus", "priya", "TypeScript", ""),
    ("tom", "olivia", "Excel", "Untangled the budget workbook."),
    ("hiro", "olivia", "Financial modelling", ""),
    ("jamie", "sofia", "Troubleshooting", "Found the customer's bug from one log line."),
    ("mei", "daniel", "Coaching", ""),
    ("raj", "emily", "Negotiation", "Closed the Halden renewal."),
    ("samuel", "chloe", "dbt", ""),
]

# The Platform Guild: Kubernetes and Terraform questions, Oskar answering.
PLATFORM_TALK: list[Step] = [
    (
        "thread",
        "ana",
        "crashloop",
        "question",
        "Pods stuck in CrashLoopBackOff after the base image update",
        """\
Since we moved the API service to the new base image, its pods restart every
minute or so (`CrashLoopBackOff`). The logs look normal right up to the kill.
Nothing else changed. Where do I look?
""",
        {"skills": ["Kubernetes"]},
    ),
    *_talk(
        "crashloop",
        (
            "marcus",
            "crash-marcus",
            "",
            NONE,
            "Have you tried draining the node? Sometimes the node is just bad.",
        ),
        (
            "oskar",
            "crash-oskar",
            "",
            NONE,
            "Normal logs, then a kill: that's the liveness probe, not the app. The new "
            "image starts slower (it compiles its templates at boot) and the probe's "
            "`initialDelaySeconds: 10` gives up first.\n\n"
            "Add a `startupProbe` with a generous `failureThreshold` and keep the liveness "
            "probe strict. `kubectl describe pod` shows the probe failures in the events.",
        ),
        (
            "ana",
            "crash-ana-c",
            "crash-oskar",
            AGREE,
            "That was it: `describe` shows 'Liveness probe failed'. A startup probe fixed it.",
        ),
    ),
    ("accept_answer", "ana", "crashloop", "crash-oskar"),
    ("react", "ana", "crash-oskar", "helpful"),
    ("react", "samuel", "crash-oskar", "helpful"),
    ("endorse", "kenji", "crash-oskar"),
    (
        "thread",
        "samuel",
        "requests",
        "question",
        "How should we size CPU and memory requests for the Airflow workers?",
        """\
Our Airflow workers on the cluster either get OOM-killed or sit at 5% of what
they reserve. Is there a method, or do we keep guessing?
""",
        {"skills": ["Kubernetes"]},
    ),
    *_talk(
        "requests",
        (
            "oskar",
            "req-oskar",
            "",
            NONE,
            "Measure, then set: run a week with the Vertical Pod Autoscaler in "
            "*recommendation* mode and take its upper bound for memory (memory is not "
            "compressible; an OOM kill is the price of guessing low). Leave CPU limits off "
            "and set CPU requests at the p90 of real use.",
        ),
        (
            "samuel",
            "req-samuel-c",
            "req-oskar",
            AGREE,
            "VPA suggested 1.5 GiB where we had 6. No OOM kills since.",
        ),
    ),
    ("accept_answer", "samuel", "requests", "req-oskar"),
    ("react", "arjun", "req-oskar", "helpful"),
    ("react", "ana", "req-oskar", "helpful"),
    ("endorse", "kenji", "req-oskar"),
    (
        "thread",
        "priya",
        "previews",
        "question",
        "Terraform or Helm for the preview environments?",
        """\
Each pull request of the web app should get its own preview environment.
Do we describe them in Terraform, in Helm charts, or both?
""",
        {"skills": ["Kubernetes", "Terraform"]},
    ),
    *_talk(
        "previews",
        (
            "oskar",
            "prev-oskar",
            "",
            NONE,
            "Both, each for what it is good at: Terraform for what lives longer than a pull "
            "request (the cluster, DNS zone, database), Helm for the per-PR release. "
            "The pipeline runs `helm upgrade --install pr-123` and deletes it on merge.",
        ),
        (
            "fatima",
            "prev-fatima",
            "",
            NONE,
            "Whatever you choose, give each preview its own namespace and no production secrets.",
        ),
    ),
    ("accept_answer", "priya", "previews", "prev-oskar"),
    ("react", "priya", "prev-oskar", "helpful"),
    ("react", "kenji", "prev-fatima", "insightful"),
    (
        "thread",
        "arjun",
        "serving",
        "question",
        "Serving the churn model on the cluster: GPU node pool or not?",
        "Inference is light (one request a second at peak). Do we need a GPU node "
        "pool, or is CPU fine?",
        {"skills": ["Kubernetes"]},
    ),
    *_talk(
        "serving",
        (
            "oskar",
            "serve-oskar",
            "",
            NONE,
            "At one request a second a gradient-boosted model is happy on CPU. A GPU pool "
            "costs you a node that idles all night. Start on CPU with an HPA on latency.",
        ),
        (
            "marcus",
            "serve-marcus",
            "",
            NONE,
            "We should probably standardize on GPUs for anything ML.",
        ),
    ),
    ("accept_answer", "arjun", "serving", "serve-oskar"),
    ("react", "arjun", "serve-oskar", "helpful"),
]

# In the Python Guild: Arjun, the machine-learning expert, answers.
ML_TALK: list[Step] = [
    (
        "thread",
        "hannah",
        "churn-model",
        "question",
        "Logistic regression or gradient boosting for churn signals?",
        "We have two years of support tickets labelled with whether the customer left. "
        "Is a gradient-boosted model worth it, or will a logistic regression do?",
        {"skills": ["Machine learning"]},
    ),
    *_talk(
        "churn-model",
        (
            "arjun",
            "churn-arjun",
            "",
            NONE,
            "Start with the logistic regression: it is your baseline and its coefficients "
            "explain themselves to the support team. Then try gradient boosting with the "
            "same features and keep it only if it beats the baseline on a *later* month "
            "(split by time, not at random, or you will fool yourself).",
        ),
        (
            "hannah",
            "churn-hannah-c",
            "churn-arjun",
            AGREE,
            "Split by time: the random split had flattered us by eight points of AUC.",
        ),
    ),
    ("accept_answer", "hannah", "churn-model", "churn-arjun"),
    ("endorse", "ana", "churn-arjun"),
    ("react", "chloe", "churn-arjun", "helpful"),
    ("react", "samuel", "churn-arjun", "helpful"),
]
