"""The relevance test set: nDCG@5 and MRR over a fixed synthetic organization.

The floors sit just under the first honest measurement on each database
(see the report printed with ``-s``); a change to the index, the query or
the ranking that makes answers worse fails here.
"""

from __future__ import annotations

import pytest
from django.db import connection

from agora.accounts.models import User
from tests.experts.relevance import QUERIES, build_organization, evaluate

pytestmark = pytest.mark.django_db

# First honest measurement, the same on SQLite and PostgreSQL: nDCG@5 0.980,
# MRR 1.000 (37 queries, 233 people). The floors sit just under it.
NDCG_FLOOR = 0.97
MRR_FLOOR = 0.99


def test_the_set_is_big_enough():
    assert len(QUERIES) >= 30


def test_relevance_floors(capsys):
    viewer, planted = build_organization()
    assert User.objects.filter(is_active=True).count() >= 200
    measured = evaluate(viewer, planted)
    lines = [
        f"Relevance on {connection.vendor}: nDCG@5 {measured.ndcg:.3f}, MRR {measured.mrr:.3f}"
    ]
    lines += [
        f"  {text!r:24} nDCG@5 {ndcg:.2f}  RR {rr:.2f}  {top}"
        for text, ndcg, rr, top in measured.per_query
    ]
    with capsys.disabled():  # the figures show in every run, not only with -s
        print("\n" + "\n".join(lines))  # noqa: T201
    assert measured.ndcg >= NDCG_FLOOR
    assert measured.mrr >= MRR_FLOOR
