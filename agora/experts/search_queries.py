"""Read paths of the expert finder's search: people search, ranked by evidence, with reasons.

`search_people()` returns a lazy `PeopleResults` (a Sequence, like
`agora.search.queries.SearchResults`): its length runs the candidate query
and ranks the candidates; a slice builds that page's hits. A page costs a
fixed number of queries whatever the number of people.

The query language, the same on both databases:
- every word must match (in the name, skills, profile text or posts);
- the last word also matches as a prefix ("kube");
- a word that is a skill's alias also matches the skill's name ("k8s");
- when nothing matches, a word within one edit of a word of someone's name
  matches that name ("Hamiltn" finds Hamilton; `NameVariant`).

Candidates are capped (`AGORA_SEARCH_MAX_CANDIDATES`, at most
`PEOPLE_MAX_CANDIDATES`): the first matches in index order, plus, when
capped, the strongest people on the skills the query names (from
`Expertise`'s (skill, score) index, read with their documents and evidence
in one query). When those skills have many holders, their strongest
`STRONGEST_CANDIDATES` are ranked beside only `SAMPLE_BESIDE_STRONGEST`
other matches, and when the query is one skill's words, beside people whose
*name* matches: anyone else ranks below every holder. Only candidates are
ranked, by `rank_person` — the one ranking formula. A page of hits is one
more query, of rows (`PersonHit`), not model objects.

Visibility: people per `people_visible_to`; guests never match on the
posts sample of the index, and snippets come only from profile fields (title,
department, location, bio, interests) and skill names, which everyone who
may see the person may read on the profile. Results carry no contact field.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, overload

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agora.accounts.models import Availability, Skill, SkillAlias, SkillClaim
from agora.accounts.permissions import people_visible_to
from agora.core.db import prepared_cursor
from agora.discussions.models import Thread
from agora.experts.models import Expertise, ExpertRequest, NameVariant
from agora.experts.people_index import deletions
from agora.experts.permissions import ask_refusal
from agora.experts.scoring import KINDS as EVIDENCE_KINDS
from agora.search.backends.base import Forms, Words, fold, mark_words, words
from agora.search.queries import highlighted
from agora.spaces.models import Space
from agora.spaces.permissions import spaces_visible_to, spaces_with_content_visible_to

if TYPE_CHECKING:
    from agora.accounts.models import User

MAX_QUERY_CHARS = 200
RANKED_CHARS = 1500  # ranking reads at most this much of the profile text
TYPO_MIN_LENGTH = 4
SNIPPET_WORDS = 24
VOCABULARY_CACHE_KEY = "experts:vocabulary"
VOCABULARY_SECONDS = 300


# People search ranks at most this many of the text matches (fewer than the
# posts search may): a word most people have ("engineer") ties them on text,
# and equal ranks go by id, which is also the index's order, so ranking more
# of them moves only the rare holder of the word in a name or skill, far down
# the index, onto the page, at the price of every such search.
PEOPLE_MAX_CANDIDATES = 200


def max_candidates() -> int:
    return min(settings.AGORA_SEARCH_MAX_CANDIDATES, PEOPLE_MAX_CANDIDATES)


# --- Ranking -------------------------------------------------------------------
# Where a query word is found counts this much (the best place for each word,
# averaged over the words): a name or a skill says more than a bio, and a
# bio more than a post.
FIELD_WEIGHTS = {"name": 3.0, "skills": 2.5, "about": 1.5, "work": 0.5}
TEXT_WEIGHT = 2.0
EXPERTISE_WEIGHT = 1.5
ENDORSEMENT_WEIGHT = 0.5
AVAILABILITY_FACTORS = {
    Availability.AVAILABLE: 1.0,
    Availability.BUSY: 0.9,
    Availability.AWAY: 0.7,
}


def rank_person(*, text: float, expertise: float, endorsements: int, availability: str) -> float:
    """Return the rank of one candidate: higher is better. The only ranking formula.

        rank = (TEXT_WEIGHT * text
                + EXPERTISE_WEIGHT * ln(1 + expertise)
                + ENDORSEMENT_WEIGHT * ln(1 + endorsements)) * AVAILABILITY_FACTORS[availability]

    - `text`: where the query's words were found, 0.5 (posts only) to 3 (name),
      averaged over the words (`FIELD_WEIGHTS`);
    - `expertise`: the sum of the person's `Expertise.score` on the skills the
      query names (evidence, decayed with age, plus a little for the declared
      level: see `scoring`); logarithmic, so ten accepted answers beat a claim
      by far but do not drown the words;
    - `endorsements`: colleagues' endorsements on those skills (they are in
      the score too; counted apart so that a vouched-for claim beats a bare one);
    - availability: busy ranks a little lower, away much lower.
    Equal ranks are ordered by the person's id (stable pages).
    """
    base = (
        TEXT_WEIGHT * text
        + EXPERTISE_WEIGHT * math.log1p(max(expertise, 0.0))
        + ENDORSEMENT_WEIGHT * math.log1p(max(endorsements, 0))
    )
    return base * AVAILABILITY_FACTORS.get(availability, 1.0)


# --- The query -----------------------------------------------------------------
@dataclass(frozen=True)
class VocabularySkill:
    pk: int
    name: str
    slug: str
    # The words of the name and of each alias.
    names: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Vocabulary:
    skills: dict[int, VocabularySkill]
    # A one-word alias → the words of its skill's name.
    aliases: dict[str, tuple[str, ...]]
    # Every word of a skill name or alias, sorted (for prefix lookups), and
    # the skills each word belongs to.
    tokens: tuple[str, ...] = ()
    skills_of: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def skill(self, pk: int) -> VocabularySkill | None:
        return self.skills.get(pk)

    def tokens_from(self, start: str) -> list[str]:
        """The vocabulary's words that begin with `start`."""
        low = bisect.bisect_left(self.tokens, start)
        high = bisect.bisect_left(self.tokens, start + "\U0010ffff")
        return list(self.tokens[low:high])


def _build_vocabulary() -> Vocabulary:
    aliases_of: dict[int, list[str]] = {}
    for skill_id, alias in SkillAlias.objects.values_list("skill_id", "name"):
        aliases_of.setdefault(skill_id, []).append(alias)
    skills: dict[int, VocabularySkill] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    skills_of: dict[str, set[int]] = {}
    for pk, name, slug in Skill.objects.values_list("pk", "name", "slug").order_by("pk"):
        own = words(fold(name)).words
        names = [own] + [words(fold(alias)).words for alias in aliases_of.get(pk, [])]
        skills[pk] = VocabularySkill(pk, name, slug, tuple(n for n in names if n))
        for token in {token for n in names for token in n}:
            skills_of.setdefault(token, set()).add(pk)
        for alias in aliases_of.get(pk, []):
            alias_words = words(fold(alias)).words
            if len(alias_words) == 1 and own:
                aliases[alias_words[0]] = own
    return Vocabulary(
        skills,
        aliases,
        tuple(sorted(skills_of)),
        {token: tuple(sorted(pks)) for token, pks in skills_of.items()},
    )


# The vocabulary is kept in each process, with a version in the shared cache:
# reading a number is cheaper than unpickling a thousand skills per search.
_local: dict[str, tuple[object, float, Vocabulary]] = {}


def vocabulary() -> Vocabulary:
    """The skills vocabulary with its aliases (skill events change its version)."""
    version = cache.get(VOCABULARY_CACHE_KEY)
    if version is None:
        version = time.time_ns()
        cache.set(VOCABULARY_CACHE_KEY, version, None)
    held = _local.get("vocabulary")
    now = time.monotonic()
    if held is None or held[0] != version or now - held[1] > VOCABULARY_SECONDS:
        held = (version, now, _build_vocabulary())
        _local["vocabulary"] = held
    return held[2]


def forget_vocabulary() -> None:
    cache.set(VOCABULARY_CACHE_KEY, time.time_ns(), None)
    _local.pop("vocabulary", None)


def _stem_length(word: str) -> int:
    return len(word) if len(word) <= 4 else max(4, len(word) - 2)


def same_word(query_word: str, token: str, *, prefix: bool = False) -> bool:
    """Whether `token` is a form of `query_word` (charts: chart), or extends it as typed."""
    if prefix and token.startswith(query_word):
        return True
    stem = _stem_length(query_word)
    return token[:stem] == query_word[:stem] and abs(len(token) - len(query_word)) <= 3


@dataclass(frozen=True)
class Term:
    """One query word and what else it may match: each alternative is words, all required."""

    word: str
    prefix: bool
    alternatives: tuple[tuple[str, ...], ...] = ()

    def tokens(self) -> tuple[str, ...]:
        return (self.word, *(token for alt in self.alternatives for token in alt))

    def matches(self, token: str) -> bool:
        if same_word(self.word, token, prefix=self.prefix):
            return True
        return any(len(alt) == 1 and same_word(alt[0], token) for alt in self.alternatives)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """A regular expression that finds, in folded text (`fold`), a token that
        `matches` (a whole word), or the first word of a several-word alternative."""
        options = [_word_pattern(self.word, prefix=self.prefix)]
        options += [_word_pattern(alt[0]) for alt in self.alternatives if len(alt) == 1]
        return re.compile(f"{_START}(?:{'|'.join(options)}){_END}")

    @cached_property
    def phrases(self) -> tuple[tuple[re.Pattern[str], ...], ...]:
        """Per several-word alternative, one pattern per word (each must be found)."""
        return tuple(
            tuple(re.compile(f"{_START}{re.escape(word)}{_END}") for word in alt)
            for alt in self.alternatives
            if len(alt) > 1
        )

    def found_in(self, text: str) -> bool:
        """Whether folded `text` holds this term (a form of the word or an alternative)."""
        if self.pattern.search(text):
            return True
        return any(all(p.search(text) for p in phrase) for phrase in self.phrases)


# A token is a run of letters and digits (`_TOKEN`): these bound a whole one.
_START, _END = r"(?<![^\W_])", r"(?![^\W_])"


def _word_pattern(word: str, *, prefix: bool = False) -> str:
    """The tokens `same_word(word, token, prefix=prefix)` accepts, as a pattern."""
    stem = _stem_length(word)
    shortest, longest = max(stem, len(word) - 3), len(word) + 3
    forms = rf"{re.escape(word[:stem])}[^\W_]{{{shortest - stem},{longest - stem}}}"
    return rf"(?:{re.escape(word)}[^\W_]*|{forms})" if prefix else forms


@dataclass(frozen=True)
class PeopleQuery:
    terms: tuple[Term, ...]
    skill_ids: tuple[int, ...]  # the skills the query names
    corrected: bool = False  # names within one edit were allowed
    # The vocabulary it was read with: one look at its version per search.
    vocabulary: Vocabulary | None = field(default=None, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def words(self) -> Words:
        """Every word to highlight (aliases' skill names too)."""
        tokens = tuple(dict.fromkeys(token for term in self.terms for token in term.tokens()))
        return Words(tokens, prefix=False)


# PostgreSQL's English configuration drops these from a query; FTS5 would
# require them. Left out of a query with other words, both answer alike.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)


def parse(text: str) -> PeopleQuery:
    """The terms of `text`, with aliases expanded, and the skills it names."""
    parsed = words(fold(text[:MAX_QUERY_CHARS]))
    vocab = vocabulary()
    kept = [word for word in parsed.words if word not in STOP_WORDS] or list(parsed.words)
    terms = []
    for index, word in enumerate(kept):
        prefix = parsed.prefix and index == len(kept) - 1 and word == parsed.words[-1]
        alias = vocab.aliases.get(word)
        alternatives = (alias,) if alias and alias != (word,) else ()
        terms.append(Term(word, prefix, alternatives))
    return PeopleQuery(tuple(terms), _named_skills(terms, vocab), vocabulary=vocab)


def _named_skills(terms: list[Term], vocab: Vocabulary) -> tuple[int, ...]:
    """Skills all of whose words (of the name or an alias) the query has;
    failing that, skills any of whose words it has."""
    matched: set[str] = set()
    for term in terms:
        for word in term.tokens():
            start = word if term.prefix and word == term.word else word[: _stem_length(word)]
            matched.update(token for token in vocab.tokens_from(start) if term.matches(token))
    touched = sorted({pk for token in matched for pk in vocab.skills_of.get(token, ())})
    full, partial = [], []
    for pk in touched:
        names = vocab.skills[pk].names
        if any(all(token in matched for token in name) for name in names):
            full.append(pk)
        else:
            partial.append(pk)
    return tuple(full or partial[:50])


def with_typos(query: PeopleQuery) -> PeopleQuery | None:
    """`query` where each long word also matches name words one edit away; None if none are."""
    variants = {term.word: deletions(term.word) for term in query.terms}
    wanted = {
        v for term in query.terms if len(term.word) >= TYPO_MIN_LENGTH for v in variants[term.word]
    }
    if not wanted:
        return None
    rows = NameVariant.objects.filter(variant__in=sorted(wanted)).values_list("variant", "token")
    near: dict[str, set[str]] = {}
    for variant, token in rows:
        for term in query.terms:
            if (
                len(term.word) >= TYPO_MIN_LENGTH
                and variant in variants[term.word]
                and token != term.word
                and edit_distance_at_most_one(term.word, token)
            ):
                near.setdefault(term.word, set()).add(token)
    if not near:
        return None
    terms = tuple(
        Term(
            term.word,
            term.prefix,
            term.alternatives + tuple((token,) for token in sorted(near.get(term.word, ()))),
        )
        for term in query.terms
    )
    return PeopleQuery(terms, query.skill_ids, corrected=True, vocabulary=query.vocabulary)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """Whether one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


# --- Full-text SQL, by database -------------------------------------------------
# Which columns of the index a query reads: everything (members), the
# profile without the posts (guests never match on posts), or names only.
ALL, PROFILE, NAMES = "all", "profile", "names"
TS_CONFIG = "agora_people"  # PostgreSQL: English stemming, accents folded
_FTS5_COLUMNS = {ALL: "", PROFILE: "{name skills about} : ", NAMES: "{name} : "}
_TSQUERY_WEIGHTS = {ALL: "", PROFILE: "ABC"}  # see migration 0002


def _fts5_match(query: PeopleQuery, *, columns: str) -> str:
    def quoted(word: str, prefix: bool = False) -> str:
        return f'"{word}"' + ("*" if prefix else "")

    parts = []
    for term in query.terms:
        options = [quoted(term.word, term.prefix)]
        options += [
            "(" + " AND ".join(quoted(word) for word in alternative) + ")"
            for alternative in term.alternatives
        ]
        parts.append("(" + " OR ".join(options) + ")")
    return f"{_FTS5_COLUMNS[columns]}({' AND '.join(parts)})"


def _tsquery(query: PeopleQuery, *, columns: str) -> str:
    weights = _TSQUERY_WEIGHTS[columns]

    def lexeme(word: str, prefix: bool = False) -> str:
        if prefix:
            return f"{word}:*{weights}"
        return f"{word}:{weights}" if weights else word

    parts = []
    for term in query.terms:
        options = [lexeme(term.word, term.prefix)]
        options += [
            "(" + " & ".join(lexeme(word) for word in alternative) + ")"
            for alternative in term.alternatives
        ]
        parts.append("(" + " | ".join(options) + ")")
    return " & ".join(parts)


def _match_sql(query: PeopleQuery, *, columns: str) -> tuple[str, str, list]:
    """(FROM, WHERE, params) of the documents (aliased ``d``) that match `query`
    in `columns` (`ALL`, `PROFILE` or `NAMES`), in the order the index finds
    them (by id on SQLite; on PostgreSQL, as the table stores them)."""
    if connection.vendor == "postgresql":
        # The configuration and the index of names: migration 0003.
        tsquery = f"to_tsquery('{TS_CONFIG}'::regconfig, %s)"
        if columns == NAMES:
            name = (
                f"to_tsvector('{TS_CONFIG}'::regconfig,"
                " translate(coalesce(d.name, ''), '<>', '  '))"
            )
            return (
                "experts_persondocument d",
                f"{name} @@ {tsquery}",
                [_tsquery(query, columns=ALL)],
            )
        return (
            "experts_persondocument d",
            f"d.search_vector @@ {tsquery}",
            [_tsquery(query, columns=columns)],
        )
    return (
        "experts_people_fts JOIN experts_persondocument d ON d.user_id = experts_people_fts.rowid",
        "experts_people_fts MATCH %s",
        [_fts5_match(query, columns=columns)],
    )


# --- Filters and visibility ------------------------------------------------------
@dataclass(frozen=True)
class PeopleFilters:
    department: str = ""
    location: str = ""
    time_zone: str = ""
    level: str = ""  # of a skill the query names
    open_to_questions: bool = False


# `_visibility_sql` per viewer: compiling `people_visible_to` took a tenth
# of a rare term's search. The rule depends on who the viewer is and their
# role, which is the key; a process keeps at most this many.
_VISIBILITY_KEPT = 1024
_visibility: dict[tuple, tuple[str, list] | None] = {}


def _visibility_sql(viewer: User) -> tuple[str, list] | None:
    """An EXISTS over `people_visible_to(viewer)` for the document ``d``; None: nobody."""
    key = (viewer.pk, viewer.is_active, viewer.is_guest)
    if key in _visibility:
        return _visibility[key]
    people = people_visible_to(viewer).extra(where=['"accounts_user"."id" = d.user_id'])
    try:
        sql, params = people.order_by().values("pk").query.sql_with_params()
        compiled = f"EXISTS ({sql})", list(params)
    except EmptyResultSet:
        compiled = None
    if len(_visibility) >= _VISIBILITY_KEPT:
        _visibility.clear()
    _visibility[key] = compiled
    return compiled


def _where(viewer: User, query: PeopleQuery, filters: PeopleFilters) -> tuple[str, list] | None:
    visible = _visibility_sql(viewer)
    if visible is None:
        return None
    parts, params = [visible[0]], list(visible[1])
    if filters.department:
        parts.append("LOWER(d.department) = %s")
        params.append(filters.department.lower())
    if filters.location:
        parts.append("LOWER(d.location) = %s")
        params.append(filters.location.lower())
    if filters.time_zone:
        parts.append("d.time_zone = %s")
        params.append(filters.time_zone)
    if filters.open_to_questions:
        parts.append("d.open_to_questions = %s")
        params.append(True)
    if filters.level:
        if not query.skill_ids:
            return None
        marks = ", ".join(["%s"] * len(query.skill_ids))
        parts.append(
            "EXISTS (SELECT 1 FROM experts_expertise e WHERE e.user_id = d.user_id"  # noqa: S608
            f" AND e.level = %s AND e.skill_id IN ({marks}))"
        )
        params += [filters.level, *query.skill_ids]
    return " AND ".join(parts), params


CANDIDATE_COLUMNS = (
    "d.user_id, d.name, d.skills, SUBSTR(d.about, 1, %s), d.availability"  # see RANKED_CHARS
)
CANDIDATE_WIDTH = 5  # the columns above, as `_Candidate` takes them


# A query that names skills held by many people ranks the strongest of them
# (from `Expertise`'s (skill, score) index, checked against the whole query)
# beside only a sample of the other matches: ranking hundreds of candidates
# per request cannot stay within a few milliseconds. When the query is one
# skill's words and the skill has that many holders, the sample is of
# names only: anyone else who matches (a bio, a post) ranks below every
# holder with a claim or evidence (`rank_person`), so below the strongest.
STRONGEST_CANDIDATES = 60
SAMPLE_BESIDE_STRONGEST = 30


def _covered(query: PeopleQuery, skill: VocabularySkill) -> bool:
    """Whether every word of `query` is a word of `skill`'s name or aliases:
    then everyone who holds the skill matches it (their document has them)."""
    tokens = [token for name in skill.names for token in name]
    return all(any(term.matches(token) for token in tokens) for term in query.terms)


@dataclass
class Strongest:
    """What `_strongest` read: candidate rows, strongest first; their
    `Evidence` when the query names one skill; and the name matches asked
    for beside them (None when not asked)."""

    rows: list[tuple] = field(default_factory=list)
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)
    names: list[tuple] | None = None


def _strongest(
    query: PeopleQuery, where: tuple[str, list], *, with_work: bool, limit: int, names: int = 0
) -> Strongest:
    """The people with the highest scores on the skills `query` names who
    match it and `where`, strongest first; with `names`, also the first
    `names` people whose name matches (in the same statement: one round trip)."""
    where_sql, where_params = where
    vocab = query.vocabulary or vocabulary()
    # The words a holder of the skill has anyway need no reading of their text.
    uncovered = {
        pk: not ((skill := vocab.skill(pk)) and _covered(query, skill)) for pk in query.skill_ids
    }
    text = ", d.about, " + ("d.work" if with_work else "''") if any(uncovered.values()) else ""
    evidence = ", ".join(f"e.{name}" for name in Evidence.FIELDS)
    # Plain SQL: this runs on every search that names a skill, and the ORM's
    # compiling costs more than the reads. One index range per skill, so
    # that naming several common skills never sorts all their holders.
    # The first column tells the arms apart: 0, a skill's strongest; 1, names.
    arms = [
        f"SELECT * FROM (SELECT 0, {CANDIDATE_COLUMNS}, {evidence}{text}"  # noqa: S608
        " FROM experts_expertise e JOIN experts_persondocument d ON d.user_id = e.user_id"
        f" WHERE e.skill_id = %s AND e.score > 0 AND {where_sql}"
        f" ORDER BY e.score DESC, e.user_id LIMIT %s) s{n}"
        for n in range(len(query.skill_ids))
    ]
    params = [v for pk in query.skill_ids for v in (RANKED_CHARS, pk, *where_params, limit)]
    if names:
        # Asked for when the query is one skill's words (`text` is then empty).
        source, match, match_params = _match_sql(query, columns=NAMES)
        arms.append(
            f"SELECT * FROM (SELECT 1, {CANDIDATE_COLUMNS}, {evidence} FROM {source}"  # noqa: S608
            " LEFT JOIN experts_expertise e ON e.user_id = d.user_id AND e.skill_id = %s"
            f" WHERE {match} AND {where_sql} LIMIT %s) named"
        )
        params += [RANKED_CHARS, query.skill_ids[0], *match_params, *where_params, names]
    # Prepared: the shape is fixed and index-driven (a generic plan serves).
    with prepared_cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), params)
        found = cursor.fetchall()
    width = CANDIDATE_WIDTH
    fields = slice(1 + width, 1 + width + len(Evidence.FIELDS))
    held: dict[int, list[Evidence]] = {}
    named = []
    for row in found:
        if row[0] == 1:
            named.append(row[1 : 1 + width])
            held[row[1]] = [Evidence(*row[fields])] if row[fields.start] is not None else []
    score = fields.start + Evidence.FIELDS.index("score")
    found = sorted((row for row in found if row[0] == 0), key=lambda row: -row[score])
    rows: dict[int, tuple] = {}
    for row in found:
        row_evidence = Evidence(*row[fields])
        if row[1] in rows or (
            uncovered[row_evidence.skill_id]
            and not _holds_every_term(query, (row[2], row[3], *row[fields.stop :]))
        ):
            continue
        rows[row[1]] = row[1 : 1 + width]
        held[row[1]] = [row_evidence]
    rows = dict(itertools.islice(rows.items(), limit))
    single = len(query.skill_ids) == 1
    # Several skills: a person's rows on the others may not have been read.
    return Strongest(list(rows.values()), held if single else {}, named if names else None)


def _evidence(user_ids: list[int], skill_ids: tuple[int, ...]) -> dict[int, list[Evidence]]:
    """Per person among `user_ids`, their `Expertise` on `skill_ids`, strongest first."""
    found: dict[int, list[Evidence]] = {}
    if not user_ids or not skill_ids:
        return found
    people, skills = ", ".join(["%s"] * len(user_ids)), ", ".join(["%s"] * len(skill_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(Evidence.FIELDS)} FROM experts_expertise"  # noqa: S608
            # "+skill_id": look people up by user, not every holder of a
            # common skill (SQLite would pick the skill's index).
            f" WHERE user_id IN ({people}) AND +skill_id IN ({skills})"
            " ORDER BY score DESC, skill_id",
            [*user_ids, *skill_ids],
        )
        for row in cursor.fetchall():
            found.setdefault(row[0], []).append(Evidence(*row))
    return found


def _holds_every_term(query: PeopleQuery, texts: tuple[str, ...]) -> bool:
    """Whether every word of `query` is found in one of `texts` (name, skills,
    about, work), as `text_relevance` finds them."""
    folded = [fold(text or "") for text in texts]
    return all(any(term.found_in(text) for text in folded) for term in query.terms)


@dataclass
class Candidates:
    """The people a search ranks, as rows of `CANDIDATE_COLUMNS`; whether
    more matched; and the `Evidence` already read for some of them."""

    rows: list[tuple] = field(default_factory=list)
    capped: bool = False
    evidence: dict[int, list[Evidence]] = field(default_factory=dict)


def _matches(query: PeopleQuery, where: tuple[str, list], *, columns: str, limit: int) -> list:
    """The first `limit` documents matching `query` in `columns` and `where`, by id."""
    source, match, match_params = _match_sql(query, columns=columns)
    where_sql, where_params = where
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {CANDIDATE_COLUMNS} FROM {source}"  # noqa: S608
            f" WHERE {match} AND {where_sql} LIMIT %s",
            [RANKED_CHARS, *match_params, *where_params, limit],
        )
        return cursor.fetchall()


def _candidates(viewer: User, query: PeopleQuery, filters: PeopleFilters, limit: int) -> Candidates:
    """The people to rank: at most `limit` matches in index order and, when
    more match, the first `SAMPLE_BESIDE_STRONGEST` whose name matches. When
    the query names skills on which at least `STRONGEST_CANDIDATES` people
    have expertise, their strongest who match, beside `SAMPLE_BESIDE_STRONGEST`
    other matches (names only, when one skill's words are the whole query)."""
    where = _where(viewer, query, filters)
    if where is None:
        return Candidates()
    columns = PROFILE if viewer.is_guest else ALL
    strongest = Strongest()
    if query.skill_ids:
        vocab = query.vocabulary or vocabulary()
        skill = vocab.skill(query.skill_ids[0]) if len(query.skill_ids) == 1 else None
        # One skill's words: its holders match anyway, so only names are read beside them.
        names = SAMPLE_BESIDE_STRONGEST if skill is not None and _covered(query, skill) else 0
        strongest = _strongest(
            query, where, with_work=not viewer.is_guest, limit=STRONGEST_CANDIDATES, names=names
        )
        if len(strongest.rows) >= STRONGEST_CANDIDATES:
            if strongest.names is not None:
                rows = _merged(strongest.names, strongest.rows)
                return Candidates(rows, True, strongest.evidence)
            limit = min(limit, SAMPLE_BESIDE_STRONGEST)
    rows = _matches(query, where, columns=columns, limit=limit + 1)
    if len(rows) <= limit:
        return Candidates(rows, False, strongest.evidence)
    # More match than are ranked: whoever has the words in their name (the
    # heaviest field) is ranked too, wherever the index keeps them.
    names = strongest.names
    if names is None:
        names = _matches(query, where, columns=NAMES, limit=SAMPLE_BESIDE_STRONGEST)
    return Candidates(_merged(rows[:limit], names, strongest.rows), True, strongest.evidence)


def _merged(*groups: list[tuple]) -> list[tuple]:
    """The rows of `groups`, each person once, in order."""
    found: dict[int, tuple] = {}
    for group in groups:
        for row in group:
            found.setdefault(row[0], row)
    return list(found.values())


# --- Results -----------------------------------------------------------------------
EVIDENCE_PHRASES = {
    "accepted_answers": lambda n: ngettext("%(n)d accepted answer", "%(n)d accepted answers", n),
    "endorsed_replies": lambda n: ngettext(
        "%(n)d reply endorsed by a facilitator", "%(n)d replies endorsed by a facilitator", n
    ),
    "helpful_reactions": lambda n: ngettext(
        "%(n)d “helpful” reaction", "%(n)d “helpful” reactions", n
    ),
    "facilitated_spaces": lambda n: ngettext(
        "facilitates %(n)d space", "facilitates %(n)d spaces", n
    ),
    "helpful_requests": lambda n: ngettext(
        "%(n)d helpful answer to an expert request", "%(n)d helpful answers to expert requests", n
    ),
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """The counts of one `Expertise` row, as a search reads them."""

    FIELDS = (
        "user_id",
        "skill_id",
        "level",
        "score",
        "accepted_answers",
        "endorsed_replies",
        "helpful_reactions",
        "endorsements",
        "facilitated_spaces",
        "helpful_requests",
    )

    user_id: int
    skill_id: int
    level: str
    score: float
    accepted_answers: int
    endorsed_replies: int
    helpful_reactions: int
    endorsements: int
    facilitated_spaces: int
    helpful_requests: int


@dataclass
class MatchedSkill:
    """A skill the query names, as this person holds it: level and evidence."""

    skill: VocabularySkill
    expertise: Expertise | Evidence

    @property
    def level_label(self) -> str:
        level = self.expertise.level
        return str(SkillClaim.Level(level).label) if level else _("No claim")

    @property
    def endorsements(self) -> int:
        return self.expertise.endorsements

    @property
    def evidence(self) -> list[str]:
        """Phrases such as "12 accepted answers", heaviest kind first (endorsements apart)."""
        return [
            phrase(count) % {"n": count}
            for kind, phrase in EVIDENCE_PHRASES.items()
            if (count := getattr(self.expertise, kind))
        ]

    @property
    def reason(self) -> str:
        """ "12 accepted answers on Kubernetes, endorsed by 8", or the bare claim."""
        phrases = self.evidence
        if phrases:
            text = _("%(evidence)s on %(skill)s") % {
                "evidence": ", ".join(phrases),
                "skill": self.skill.name,
            }
        else:
            text = _("%(skill)s: %(level)s") % {
                "skill": self.skill.name,
                "level": self.level_label.lower(),
            }
        if self.endorsements:
            text += ", " + ngettext("endorsed by %(n)d", "endorsed by %(n)d", self.endorsements) % {
                "n": self.endorsements
            }
        elif not phrases:
            text += " " + _("(claimed, no evidence yet)")
        return text


@dataclass(slots=True)
class PersonHit:
    """One person found, and why: a row of the page's one people query, not
    model objects (building User and Profile objects was half a rare term's time)."""

    id: int
    name: str
    handle: str
    title: str
    department: str
    location: str
    availability: str
    availability_note: str
    open_to_questions: bool
    open_requests: int
    request_limit: int
    rank: float = 0.0
    name_html: SafeString = field(default_factory=SafeString)
    snippet_html: SafeString = field(default_factory=SafeString)
    skills: list[MatchedSkill] = field(default_factory=list)
    # Why the viewer may not ask now ("" when they may: see `ask_refusal`),
    # and, when they are full, who further down the page may be asked.
    ask_refusal: str = ""
    ask_instead: list[PersonHit] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.id

    def get_absolute_url(self) -> str:
        return reverse("person_detail", args=[self.id])

    @property
    def url(self) -> str:
        return self.get_absolute_url()

    @property
    def availability_label(self) -> str:
        return str(Availability(self.availability).label)


# The page's people, as shown, with their open requests (`PersonHit`'s columns).
HIT_SQL = (
    "SELECT u.id, u.name, u.handle, p.title, p.department, p.location, p.availability,"
    " p.availability_note, p.open_to_questions,"
    " (SELECT COUNT(*) FROM experts_expertrequest r WHERE r.expert_id = u.id AND r.status = %s),"
    " p.request_limit"
    " FROM accounts_user u JOIN accounts_profile p ON p.user_id = u.id"
    " WHERE u.is_active AND u.id IN ({ids})"
)
ASK_INSTEAD = 2


@dataclass
class _Candidate:
    user_id: int
    name: str
    skills: str
    about: str
    availability: str


# Heaviest field first: the first field that holds a word is its best.
_FIELDS_BY_WEIGHT = sorted(FIELD_WEIGHTS, key=FIELD_WEIGHTS.__getitem__, reverse=True)


def text_relevance(query: PeopleQuery, fields: dict[str, str]) -> float:
    """The mean, over the query's words, of the weight of the best field holding it."""
    if not query.terms:
        return 0.0
    folded: dict[str, str] = {}  # each field folded once, when first needed

    def holds(name: str, term: Term) -> bool:
        if name not in folded:
            folded[name] = fold(fields[name] or "")
        return term.found_in(folded[name])

    present = [name for name in _FIELDS_BY_WEIGHT if name in fields]
    total = 0.0
    for term in query.terms:
        # The database matched it somewhere: in the posts at least.
        total += next(
            (FIELD_WEIGHTS[name] for name in present if holds(name, term)), FIELD_WEIGHTS["work"]
        )
    return total / len(query.terms)


@dataclass
class PeopleResults(Sequence):
    """The people found, ranked; `is_capped` when more matched than were ranked."""

    viewer: User
    query: PeopleQuery
    filters: PeopleFilters
    _is_capped: bool = field(default=False, repr=False)
    _ranked: list[int] | None = field(default=None, repr=False)
    _candidates: dict[int, _Candidate] = field(default_factory=dict, repr=False)
    _expertise: dict[int, list[Evidence]] = field(default_factory=dict, repr=False)
    _ranks: dict[int, float] = field(default_factory=dict, repr=False)

    def _ids(self) -> list[int]:
        if self._ranked is None:
            self._ranked = []
            if self.query and self.viewer.is_authenticated and self.viewer.is_active:
                self._rank()
        return self._ranked

    def _rank(self) -> None:
        found = _candidates(self.viewer, self.query, self.filters, max_candidates())
        if not found.rows and not self.query.corrected:
            typo_query = with_typos(self.query)
            if typo_query is not None:
                self.query = typo_query
                found = _candidates(self.viewer, self.query, self.filters, max_candidates())
        self._is_capped = found.capped
        if not found.rows:
            return
        self._candidates = {row[0]: _Candidate(*row) for row in found.rows}
        if self.query.skill_ids:
            missing = [pk for pk in self._candidates if pk not in found.evidence]
            self._expertise = {**found.evidence, **_evidence(missing, self.query.skill_ids)}
        ranks = []
        for user_id, candidate in self._candidates.items():
            held = self._expertise.get(user_id, [])
            text = text_relevance(
                self.query,
                {"name": candidate.name, "skills": candidate.skills, "about": candidate.about},
            )
            rank = rank_person(
                text=text,
                expertise=sum(row.score for row in held),
                endorsements=sum(row.endorsements for row in held),
                availability=candidate.availability,
            )
            ranks.append((rank, user_id))
        ranks.sort(key=lambda pair: (-pair[0], pair[1]))
        self._ranks = {user_id: rank for rank, user_id in ranks}
        self._ranked = [user_id for _rank, user_id in ranks]

    @property
    def is_capped(self) -> bool:
        """Whether more people matched than were ranked."""
        self._ids()
        return self._is_capped

    def __len__(self) -> int:
        return len(self._ids())

    def count(self) -> int:
        return len(self)

    @overload
    def __getitem__(self, index: int) -> PersonHit: ...

    @overload
    def __getitem__(self, index: slice) -> list[PersonHit]: ...

    def __getitem__(self, index):
        if isinstance(index, int):
            return self._hits(self._ids()[index : index + 1])[0]
        return self._hits(self._ids()[index])

    def _hits(self, ids: list[int]) -> list[PersonHit]:
        """The page's people, in order. Who they are was checked against
        `people_visible_to` by the candidate query of this same search; that
        they are still active is checked again here."""
        if not ids:
            return []
        with prepared_cursor() as cursor:
            cursor.execute(
                HIT_SQL.format(ids=", ".join(["%s"] * len(ids))),
                [ExpertRequest.Status.OPEN, *ids],
            )
            rows = {row[0]: row for row in cursor.fetchall()}
        vocab = self.query.vocabulary or vocabulary()
        highlight = self.query.words()
        forms = Forms(highlight)
        hits = []
        for user_id in ids:
            row, candidate = rows.get(user_id), self._candidates.get(user_id)
            if row is None or candidate is None:  # gone between the queries
                continue
            hit = PersonHit(*row)
            hit.rank = self._ranks[user_id]
            hit.name_html = highlighted(mark_words(highlight, candidate.name, forms=forms))
            snippet = mark_words(
                highlight, candidate.about, fragment_words=SNIPPET_WORDS, forms=forms
            )
            hit.snippet_html = highlighted(snippet)
            hit.skills = [
                MatchedSkill(skill, evidence)
                for evidence in self._expertise.get(user_id, [])
                if (skill := vocab.skill(evidence.skill_id)) is not None
            ]
            hit.ask_refusal = ask_refusal(
                self.viewer,
                expert_id=hit.id,
                open_to_questions=hit.open_to_questions,
                availability=hit.availability,
                open_count=hit.open_requests,
                limit=hit.request_limit,
            )
            hits.append(hit)
        for index, hit in enumerate(hits):
            if hit.ask_refusal == "full":
                later = (other for other in hits[index + 1 :] if not other.ask_refusal)
                hit.ask_instead = list(itertools.islice(later, ASK_INSTEAD))
        return hits


def search_people(
    *, viewer: User, text: str, filters: PeopleFilters | None = None
) -> PeopleResults:
    """Search people `viewer` may see for `text`; empty when it has no words."""
    return PeopleResults(viewer=viewer, query=parse(text), filters=filters or PeopleFilters())


# --- The skill page ------------------------------------------------------------------
def skill_experts(*, viewer: User, skill: Skill) -> QuerySet[Expertise]:
    """People `viewer` may see who know `skill` (evidence, or a claim above
    learning), strongest first."""
    no_evidence = dict.fromkeys(EVIDENCE_KINDS, 0)
    return (
        Expertise.objects.filter(skill=skill, user__in=people_visible_to(viewer).values("pk"))
        .exclude(level=SkillClaim.Level.LEARNING, **no_evidence)
        .select_related("user__profile")
        .order_by("-score", "user_id")
    )


def skill_learners(*, viewer: User, skill: Skill) -> QuerySet[SkillClaim]:
    """People `viewer` may see who are learning `skill`, newest claim first."""
    return (
        SkillClaim.objects.filter(
            skill=skill,
            level=SkillClaim.Level.LEARNING,
            user__in=people_visible_to(viewer).values("pk"),
        )
        .select_related("user__profile")
        .order_by("-created_at", "pk")
    )


SKILL_PAGE_ITEMS = 10


def skill_spaces(*, viewer: User, skill: Skill) -> list[Space]:
    """Spaces tagged with `skill` that `viewer` may see, most members first."""
    return list(
        spaces_visible_to(viewer)
        .filter(skills=skill)
        .order_by("-member_count", "pk")[:SKILL_PAGE_ITEMS]
    )


def skill_threads(*, viewer: User, skill: Skill) -> list[Thread]:
    """Newest threads tagged with `skill` whose space `viewer` may read (not hidden)."""
    return list(
        Thread.objects.filter(
            skills=skill,
            is_deleted=False,
            is_hidden=False,
            space__in=spaces_with_content_visible_to(viewer).values("pk"),
        )
        .select_related("space")
        .order_by("-created_at", "-pk")[:SKILL_PAGE_ITEMS]
    )


def skill_vocabulary_entry(skill: Skill) -> VocabularySkill:
    return VocabularySkill(skill.pk, skill.name, skill.slug, ())
