"""Public search of published results (R5): the one home of the Chinese tokenizer.

PostgreSQL's parsers do not segment Chinese, so the application tokenizes, and the same
functions serve the indexer (`document_vector`) and the query parser (`parse_query`):

- a Han run gives its character unigrams and bigrams; a bigram sits at the position of its
  first character, so "电水壶" is the phrase `'电水' <-> '水壶'` and a 3+ character query
  matches exactly the rows that contain it (no false hits from bigrams far apart);
- a Latin/digit run (model numbers such as MK-17S05, standards such as GB4706) gives the
  lower-cased run without inner punctuation, each of its pieces, and every prefix of those
  (from 2 characters), so a partial model number is an exact lexeme — `:*` prefix queries
  make PostgreSQL choose poor plans;
- every field and every run starts after a gap of positions, so the last character of the
  enterprise name and the first of the product never make a phrase.

The vector is a literal with explicit positions in the 'simple' configuration (no stemming).
`SearchTerm` counts the rows holding each lexeme: a query with a term no row holds is
answered without touching the table, and the rarest term decides between reading the newest
rows in date order or the GIN index.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from supervision.publication.models import PUBLISHED_COLUMNS, PublishedResult, SearchTerm
from supervision.spotchecks.models import Verdict

# CJK Unified Ideographs, extension A and compatibility ideographs.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_HAN}]+|[0-9a-z]+(?:[-_./][0-9a-z]+)*")
_HAN_RUN = re.compile(rf"^[{_HAN}]+$")
_PIECE = re.compile(r"[0-9a-z]+")
MAX_PREFIX = 24  # longer model numbers are matched on their first 24 characters
RUN_GAP = 2  # positions between two runs of one field
MAX_POSITION = 16383  # PostgreSQL's limit for a tsvector position

# Indexed fields, in order; the bench compares hit counts against ILIKE over the same fields.
SEARCH_FIELDS: tuple[str, ...] = (
    "product_name",
    "enterprise_name",
    "producer_name",
    "trademark",
    "model_spec",
    "failed_items",
)

FAILURE_VERDICTS: tuple[str, ...] = (Verdict.FAIL, Verdict.FAIL_REFUSED)
COUNT_CAP = 1000
ESTIMATE_MARGIN = 3  # an estimate this many times the cap is trusted to say "1000+"
# A term held by more rows than this is common: reading newest rows in date order finds a page
# after about limit/selectivity rows; below it the GIN index plus a top-N sort is cheaper.
_table_rows: dict[str, float] = {"at": -1e9, "rows": 0.0}


def _latin_terms(run: str) -> list[str]:
    joined = re.sub(r"[-_./]", "", run)
    words = {joined, *_PIECE.findall(run)}
    terms: list[str] = []
    for word in sorted(words):
        word = word[:MAX_PREFIX]
        terms.extend(word[:n] for n in range(2, len(word) + 1))
        if len(word) == 1:
            terms.append(word)
    return terms


def field_terms(text: str, start: int = 1) -> tuple[list[tuple[str, int]], int]:
    """The (lexeme, position) pairs of one field, and the next free position."""
    pairs: list[tuple[str, int]] = []
    pos = start
    for run in _RUN.findall(text.lower()):
        if _HAN_RUN.match(run):
            for i, ch in enumerate(run):
                pairs.append((ch, pos + i))
                if i + 1 < len(run):
                    pairs.append((run[i : i + 2], pos + i))
            pos += len(run) + RUN_GAP
        else:
            pairs.extend((term, pos) for term in _latin_terms(run))
            pos += 1 + RUN_GAP
    return pairs, pos


FIELD_STRIDE = 2000  # field k holds positions from k*FIELD_STRIDE+1: fields never touch


@lru_cache(maxsize=200_000)
def _field_fragment(index: int, text: str) -> tuple[str, frozenset[str]]:
    """The tsvector literal fragment of one field at its fixed offset, cached: names repeat a lot."""
    base = index * FIELD_STRIDE + 1
    limit = base + FIELD_STRIDE - 2
    pairs, _ = field_terms(text, base)
    positions: dict[str, list[int]] = {}
    for term, pos in pairs:
        positions.setdefault(term, []).append(min(pos, limit))
    return vector_literal(positions), frozenset(positions)


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def vector_literal(positions: dict[str, list[int]]) -> str:
    """A tsvector literal (`'水壶':3,9 '电':2`) that PostgreSQL reads without parsing Chinese;
    a lexeme may repeat across fragments, PostgreSQL merges its positions. Lexemes come from
    _RUN (Han characters, [0-9a-z]) and so never hold a quote or a backslash."""
    return " ".join(
        f"'{t}':{ps[0]}" if len(ps) == 1 else f"'{t}':{','.join(map(str, sorted(set(ps))[:255]))}"
        for t, ps in positions.items()
    )


TAG_POSITION = MAX_POSITION


def row_tags(get: Any) -> list[str]:
    """Filter lexemes of a row ("!fail", "!c440100", ...): they let the GIN index answer the
    failures-only default and the filters together with the words, so the heap is read for few
    rows. User text can never produce them: query lexemes are Han characters and [0-9a-z]."""
    tags = []
    if get("verdict") in FAILURE_VERDICTS:
        tags.append("!fail")
    region = str(get("region_id") or "")
    if region:
        tags += [f"!r{region}", f"!c{region[:4]}00"]
    for prefix, name in (("!f", "field"), ("!l", "level"), ("!k", "category_id"), ("!i", "institution_id")):
        value = get(name)
        if value not in (None, ""):
            tags.append(f"{prefix}{value}")
    if get("year") and get("quarter"):
        tags += [f"!y{get('year')}", f"!y{get('year')}q{get('quarter')}"]
    return tags


def filter_tags(filters: SearchFilters, include_passes: bool) -> list[str]:
    """The filter lexemes a search needs: the same names row_tags gives a row."""
    tags = [] if include_passes else ["!fail"]
    if filters.region and len(filters.region) == 6 and not filters.region.endswith("0000"):
        tags.append(f"!c{filters.region}" if filters.region.endswith("00") else f"!r{filters.region}")
    for prefix, value in (
        ("!f", filters.field),
        ("!l", filters.level),
        ("!k", filters.category),
        ("!i", filters.institution),
    ):
        if value not in (None, ""):
            tags.append(f"{prefix}{value}")
    if filters.year and filters.quarter:
        tags.append(f"!y{filters.year}q{filters.quarter}")
    elif filters.year:
        tags.append(f"!y{filters.year}")
    return tags


def document_vector(row: dict[str, Any] | Any) -> tuple[str, frozenset[str]]:
    """The tsvector literal of a published row (dict or object) and its set of lexemes."""
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name, ""))
    tags = row_tags(get)
    literals: list[str] = [" ".join(f"'{t}':{TAG_POSITION}" for t in tags)] if tags else []
    terms: frozenset[str] = frozenset(tags)
    for index, name in enumerate(SEARCH_FIELDS):
        text = get(name)
        if text:
            literal, field_set = _field_fragment(index, text)
            literals.append(literal)
            terms = terms | field_set
    return " ".join(literals), terms


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class ParsedQuery:
    """A user query: a tsquery of phrases ANDed, and the lexemes it needs."""

    tsquery: str
    terms: tuple[str, ...]
    words: tuple[str, ...] = field(default_factory=tuple)

    @property
    def empty(self) -> bool:
        return not self.tsquery


def parse_query(q: str) -> ParsedQuery:
    """Han words become phrases of their bigrams (a single character: its unigram); Latin words
    their normalised run, which the index holds with all its prefixes."""
    parts: list[str] = []
    terms: list[str] = []
    words: list[str] = []
    for run in _RUN.findall((q or "").lower()[:200]):
        words.append(run)
        if _HAN_RUN.match(run):
            grams = [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
            terms.extend(grams)
            parts.append("(" + " <-> ".join(_quote(g) for g in grams) + ")" if len(grams) > 1 else _quote(grams[0]))
        else:
            term = re.sub(r"[-_./]", "", run)[:MAX_PREFIX]
            terms.append(term)
            parts.append(_quote(term))
    return ParsedQuery(tsquery=" & ".join(parts), terms=tuple(dict.fromkeys(terms)), words=tuple(words))


COUNTED_LATIN_LEN = 3


def is_counted(term: str) -> bool:
    """Whether SearchTerm keeps a row count for the lexeme: every Han lexeme and Latin ones up to
    3 characters. Longer Latin lexemes (model-number prefixes) are many and nearly unique; counting
    them would make the table as big as the index, and they are rare enough to go to the GIN index."""
    if term.startswith("~"):
        term = term[1:]
    return len(term) <= COUNTED_LATIN_LEN or not term.isascii() or term.startswith("!")


def failure_terms(lexemes: Iterable[str]) -> list[str]:
    """ "~term" counts the FAILING rows holding a word lexeme: the default search shows failures
    only, and a failed-item word such as 甲醛 is in failures far more often than chance says."""
    return ["~" + t for t in lexemes if not t.startswith("!") and is_counted(t)]


def table_rows() -> int:
    """The planner's estimate of the table size (pg_class), refreshed every minute: no COUNT(*)."""
    if time.monotonic() - _table_rows["at"] > 60:
        with connection.cursor() as cur:
            cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [PublishedResult._meta.db_table])
            row = cur.fetchone()
        _table_rows.update(at=time.monotonic(), rows=max(float(row[0]) if row else 0.0, 0.0))
    return int(_table_rows["rows"])


def gin_threshold(limit: int) -> int:
    """Matches below which the GIN index plus a top-N sort beats reading newest rows in date order.

    The GIN path reads every match from the heap, one random page each (about 3 µs a match); the
    date path reads about limit * N / matches rows until the page is full, in date order, so 8 rows
    share a heap page (about 1 µs a row, vector check included). They cost the same near
    matches = sqrt(limit * N / 3), hence the factor 0.6 (measured on 1,000,000 rows: "泄漏电流",
    7,142 failing rows, 21 ms by GIN, 5 ms by date; "电器有限公司" 31 ms by GIN, 9 ms by date).
    """
    return max(500, int(0.6 * math.sqrt((limit + 1) * max(table_rows(), 1))))


def term_rows(terms: Sequence[str]) -> dict[str, int | None]:
    """Rows holding each term; None for a term that is not counted (presumed rare). One query."""
    counted = list(dict.fromkeys(t for t in terms if is_counted(t)))
    found = dict(SearchTerm.objects.filter(term__in=counted).values_list("term", "rows")) if counted else {}
    return {t: found.get(t, 0) if is_counted(t) else None for t in terms}


# ---------------------------------------------------------------- cursor


def encode_cursor(published_on: dt.date, pk: int) -> str:
    raw = f"{published_on.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[dt.date, int] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        day, pk = raw.split("|")
        return dt.date.fromisoformat(day), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


# ---------------------------------------------------------------- selector


@dataclass
class SearchFilters:
    region: str = ""  # GB/T 2260 code: province, city or county
    category: int | None = None
    field: str = ""
    level: str = ""
    year: int | None = None
    quarter: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    institution: int | None = None
    enterprise: int | None = None
    ascending: bool = False


@dataclass
class SearchPage:
    rows: list[dict[str, Any]]
    next_cursor: str | None
    count: int  # capped at COUNT_CAP
    capped: bool
    plan: str = ""
    estimated: bool = False  # "capped" from SearchTerm counts (an estimate far above the cap), not counted

    @property
    def count_label(self) -> str:
        return f"{COUNT_CAP}+" if self.capped else str(self.count)


# The row a search returns: the public columns, and what the pages need besides.
LIST_FIELDS: tuple[str, ...] = (
    *(name for name, _label in PUBLISHED_COLUMNS),
    "year",
    "quarter",
    "focus",
    "announcement_id",
)


def _region_filter(code: str) -> Q:
    """GB/T 2260: xx0000 a province (everything here), xxxx00 a city, else a county."""
    if not code or code.endswith("0000"):
        return Q()
    if code.endswith("00"):
        return Q(city_code=code)
    return Q(region_id=code)


def _filtered(
    filters: SearchFilters, include_passes: bool, *, tagged: bool = False, latest_only: bool = True
) -> models.QuerySet[PublishedResult]:
    """Rows passing the filters. `tagged`: the tsquery already holds the filter tags, so only the
    conditions that are not tags are added (repeating the others makes PostgreSQL AND big btree
    bitmaps for nothing). `latest_only`: leave out rows a correction replaced."""
    qs = PublishedResult.objects.all()
    if not tagged:
        if not include_passes:
            qs = qs.filter(verdict__in=FAILURE_VERDICTS)
        if filters.region:
            qs = qs.filter(_region_filter(filters.region))
        if filters.category:
            qs = qs.filter(category_id=filters.category)
        if filters.field:
            qs = qs.filter(field=filters.field)
        if filters.level:
            qs = qs.filter(level=filters.level)
        if filters.year:
            qs = qs.filter(year=filters.year)
        if filters.institution:
            qs = qs.filter(institution_id=filters.institution)
    if filters.quarter and not (tagged and filters.year):
        qs = qs.filter(quarter=filters.quarter)
    if filters.date_from:
        qs = qs.filter(published_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(published_on__lte=filters.date_to)
    if filters.enterprise:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if latest_only:
        # Latest version only: a row that a correction replaced is reached from its correction.
        qs = qs.filter(~Exists(PublishedResult.objects.filter(corrects=OuterRef("pk"))))
    return qs


def _after(
    qs: models.QuerySet[PublishedResult], position: tuple[dt.date, int] | None, ascending: bool
) -> models.QuerySet[PublishedResult]:
    """Keyset condition as a row comparison, which PostgreSQL turns into an index bound."""
    if position is None:
        return qs
    op = ">" if ascending else "<"
    return qs.filter(
        RawSQL(  # noqa: S611 - the operator is one of two constants, values are parameters
            f"(published_on, id) {op} (%s, %s)", list(position), models.BooleanField()
        )
    )


def search_published(
    *,
    q: str = "",
    filters: SearchFilters | None = None,
    cursor: str | None = None,
    limit: int = 20,
    include_passes: bool = False,
    with_count: bool = True,
) -> SearchPage:
    """Published results matching the query and filters, newest first, by keyset pages.

    No exact COUNT(*) of the table: the count stops at COUNT_CAP, and when every filter is a tag and
    the SearchTerm counts put the matches far above the cap it is not counted at all ("1000+"), so
    such a page costs two queries (term counts, rows).
    """
    filters = filters or SearchFilters()
    limit = max(1, min(limit, 100))
    parsed = parse_query(q)
    tags = filter_tags(filters, include_passes)
    plan = "date"
    terms = [*parsed.terms, *tags]
    tsquery = " & ".join([*(f"'{t}'" for t in tags), *([f"({parsed.tsquery})"] if not parsed.empty else [])])
    tagged = False
    short_walk = False
    known_count: int | None = None
    estimate: int | None = None
    # date ranges, an enterprise and a quarter without a year are not tags: the index cannot count them
    other_filters = bool(
        filters.date_from or filters.date_to or filters.enterprise or (filters.quarter and not filters.year)
    )
    if terms:
        # the words, the filter tags and the failing rows of each word, in one query
        fail_keys = failure_terms(parsed.terms) if not include_passes else []
        rows_by_term = term_rows([*terms, *fail_keys])
        if 0 in rows_by_term.values():
            return SearchPage(rows=[], next_cursor=None, count=0, capped=False, plan="impossible")
        # failing rows holding each word: a sharper estimate than the word's rows times the fail ratio
        rows_by_term.update({k[1:]: rows_by_term.pop(k) for k in fail_keys})
        # matches expected: the words and the filter tags together (None: a rare, uncounted lexeme)
        estimate = _estimate(parsed, tags, rows_by_term, include_passes)
        # One lexeme and no filter but "failures only": SearchTerm holds the count itself ("~壶" is
        # the failing rows with 壶), give or take corrected originals — no count query needed.
        if len(parsed.terms) == 1 and all(t == "!fail" for t in tags) and not other_filters:
            known_count = rows_by_term[parsed.terms[0]]
        # "!fail" alone is common (about one row in eight): the date index with a verdict filter wins
        tagged = not parsed.empty or any(t != "!fail" for t in tags)
        # a year is also an age: newest-first walks past every later row before the first match
        threshold = gin_threshold(limit) * (10 if filters.year else 1)
        if tagged and (estimate is None or estimate < threshold):
            plan = "gin"
            # Failures only: the walk reads the small index of failing rows (about 1 µs a row), so a
            # short walk first costs little and wins whenever terms go together (广州 in 440100),
            # which the counts, taken one by one, cannot see. Only the rarest go straight to GIN.
            if not include_passes and estimate is not None and estimate >= SHORT_WALK_MIN_ESTIMATE:
                plan = "date"
                short_walk = True
    qs = _filtered(filters, include_passes, tagged=tagged, latest_only=False)
    position = decode_cursor(cursor)
    date_order = ["published_on", "id"] if filters.ascending else ["-published_on", "-id"]
    if plan == "gin":
        rows = _latest_rows(_gin_ordered(qs, tsquery, filters.ascending), position, filters.ascending, limit + 1)
    elif tagged:
        # Common terms: walk the date index newest first and test each row, but at most `budget`
        # rows — term counts cannot see that a word is rare among recent rows, or that a word and a
        # filter go together (童装 is sold online) — then carry on through the GIN index after the
        # last row walked. The function form of @@ is not indexable: the planner cannot leave the
        # date index for the GIN one on its (poor) phrase estimate.
        budget = SHORT_WALK_BUDGET if short_walk else walk_budget(limit, estimate)
        walked = _after(qs, position, filters.ascending).order_by(*date_order)
        if not include_passes:
            # the "!fail" tag is in the tsquery too; this lets the walk use the failing rows' index
            walked = walked.exclude(verdict=Verdict.PASS)
        rows = _walk_rows(walked, budget, tsquery, filters.ascending, limit + 1)
        if len(rows) < limit + 1:
            last = walked.values_list("published_on", "id")[budget - 1 : budget].first()
            if last is not None:  # the walk stopped at its budget, not at the end of the table
                more = _latest_rows(_gin_ordered(qs, tsquery, filters.ascending), last, filters.ascending, limit + 1)
                rows += more[: limit + 1 - len(rows)]
                plan = "date+gin"
    else:
        rows = _latest_rows(qs.order_by(*date_order), position, filters.ascending, limit + 1)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["published_on"], rows[-1]["id"])
    count, capped, estimated = len(rows), False, False
    # The count is shown with the first page only; later pages (a cursor) skip it.
    if with_count and next_cursor is not None and position is None and known_count is not None:
        count, capped = min(known_count, COUNT_CAP), known_count > COUNT_CAP
    elif (
        with_count
        and next_cursor is not None
        and position is None
        and estimate is not None
        and estimate >= ESTIMATE_MARGIN * COUNT_CAP
        and not other_filters
    ):
        # Far more matches than the cap by the term counts: "1000+" without a count query (which
        # cost as much as the page itself). Nearer the cap the estimate could be wrong, so count.
        count, capped, estimated = COUNT_CAP, True, True
    elif with_count and next_cursor is not None and position is None:
        index_only = tagged and not other_filters
        count_qs = _filtered(filters, include_passes, tagged=tagged)
        if tagged:
            count_qs = count_qs.filter(RawSQL("search @@ %s::tsquery", [tsquery], output_field=models.BooleanField()))
        count = _capped_count(count_qs, tsquery if index_only else None)
        capped = count > COUNT_CAP
        count = min(count, COUNT_CAP)
    return SearchPage(rows=rows, next_cursor=next_cursor, count=count, capped=capped, plan=plan, estimated=estimated)


# A failures-only query expected to match fewer rows than the GIN threshold first walks this many
# failing rows newest first (a few milliseconds at most), unless it expects fewer matches than
# SHORT_WALK_MIN_ESTIMATE, which go straight to the GIN index.
SHORT_WALK_BUDGET = 3000
SHORT_WALK_MIN_ESTIMATE = 200


def walk_budget(limit: int, estimate: int | None) -> int:
    """Rows the date walk may read before it hands over to the GIN index: three times what the
    estimate says a page needs, at least 2,000 (about 2 ms) and at most 20,000."""
    expected = (limit + 1) * max(table_rows(), 1) / max(estimate or 1, 1)
    return int(min(max(3 * expected, 2000), 20000))


def _walk_rows(
    walked: models.QuerySet[PublishedResult], budget: int, tsquery: str, ascending: bool, wanted: int
) -> list[dict[str, Any]]:
    """The first `wanted` rows matching `tsquery` among the next `budget` rows of `walked` (date
    order), leaving out rows a correction replaced. The window is a derived table, so PostgreSQL
    reads at most `budget` rows from the date index and stops as soon as the page is full."""
    table = PublishedResult._meta.db_table
    inner, params = walked.values(*LIST_FIELDS, "search")[:budget].query.sql_with_params()
    direction = "ASC" if ascending else "DESC"
    columns = ", ".join(f"w.{name}" for name in LIST_FIELDS)
    take = wanted + 4
    while True:
        sql = (
            f"SELECT {columns}, EXISTS(SELECT 1 FROM {table} c WHERE c.corrects_id = w.id) "  # noqa: S608
            f"FROM ({inner}) w WHERE ts_match_vq(w.search, %s::tsquery) "
            f"ORDER BY w.published_on {direction}, w.id {direction} LIMIT {int(take)}"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [*params, tsquery])
            fetched = cur.fetchall()
        rows = [dict(zip(LIST_FIELDS, r[:-1], strict=True)) for r in fetched if not r[-1]]
        if len(rows) >= wanted or len(fetched) < take:
            return rows[:wanted]
        take *= 2


def _gin_ordered(
    qs: models.QuerySet[PublishedResult], tsquery: str, ascending: bool
) -> models.QuerySet[PublishedResult]:
    """Rare terms: fetch the few matching rows through the GIN index and sort them; ordering by an
    expression keeps the planner from walking the date index looking for them."""
    qs = qs.filter(RawSQL("search @@ %s::tsquery", [tsquery], output_field=models.BooleanField()))
    qs = qs.annotate(_d=RawSQL("published_on + 0", []), _i=RawSQL("id + 0", []))
    return qs.order_by(*(["_d", "_i"] if ascending else ["-_d", "-_i"]))


def _estimate(
    parsed: ParsedQuery, tags: Sequence[str], rows_by_term: dict[str, int | None], include_passes: bool
) -> int | None:
    """Matches estimated from SearchTerm counts, no query: the rarest word lexeme (an upper bound:
    the lexemes of a phrase mostly occur together) times the share of rows holding each filter tag
    (tags taken as independent). None when a word lexeme is not counted (a long model-number
    prefix: rare, so counting it through the GIN index is cheap)."""
    total = max(table_rows(), 1)
    words = [rows_by_term[t] for t in parsed.terms]
    if any(n is None for n in words):
        return None
    factors: list[float] = []
    if words:
        factors.append(min(n for n in words if n is not None))
    for tag in tags:
        if tag == "!fail" and words and not include_passes:
            continue  # the word counts are already failing rows only
        factors.append(rows_by_term[tag] or 0)
    if not factors:
        return None
    estimate = float(total)
    for n in factors:
        estimate *= min(n / total, 1.0)
    return int(round(estimate))


def _latest_rows(
    qs: models.QuerySet[PublishedResult], position: tuple[dt.date, int] | None, ascending: bool, wanted: int
) -> list[dict[str, Any]]:
    """The next `wanted` rows that no correction replaced. Corrections are rare, so instead of an
    anti-join over every candidate row, take a few spare rows and drop the replaced ones; whether a
    row was replaced comes with the row (an index probe per returned row, evaluated after the sort)."""
    qs = qs.annotate(_replaced=Exists(PublishedResult.objects.filter(corrects=OuterRef("pk"))))
    rows: list[dict[str, Any]] = []
    while True:
        take = wanted - len(rows) + 4
        batch = list(_after(qs, position, ascending).values(*LIST_FIELDS, "_replaced")[:take])
        if not batch:
            return rows
        for r in batch:
            if not r.pop("_replaced"):
                rows.append(r)
        if len(rows) >= wanted or len(batch) < take:
            return rows[:wanted]
        position = (batch[-1]["published_on"], batch[-1]["id"])


def _without_cursor(
    filters: SearchFilters, include_passes: bool, parsed: ParsedQuery
) -> models.QuerySet[PublishedResult]:
    qs = _filtered(filters, include_passes)
    if not parsed.empty:
        qs = qs.filter(RawSQL("search @@ %s::tsquery", [parsed.tsquery], output_field=models.BooleanField()))
    return qs


def _capped_count(qs: models.QuerySet[PublishedResult], tsquery: str | None) -> int:
    """Matches up to COUNT_CAP + 1. When the index holds every condition (words and filter tags),
    count from it alone — PostgreSQL's bitmap scan then skips reading all-visible heap pages; this
    count includes a corrected original next to its correction, a difference of a few rows."""
    if tsquery is not None:
        table = PublishedResult._meta.db_table
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE search @@ %s::tsquery LIMIT {COUNT_CAP + 1}) c"  # noqa: S608
        params: list[Any] = [tsquery]
    else:
        inner, inner_params = qs.order_by().values("id")[: COUNT_CAP + 1].query.sql_with_params()
        sql, params = f"SELECT count(*) FROM ({inner}) AS capped", list(inner_params)  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return int(cur.fetchone()[0])


def ilike_count(q: str, *, include_passes: bool = False) -> int:
    """Reference count by a plain ILIKE scan over the indexed fields (bench and tests only)."""
    parsed = parse_query(q)
    qs = _filtered(SearchFilters(), include_passes)
    for word in parsed.words:
        needle = re.sub(r"[-_./]", "", word) if not _HAN_RUN.match(word) else word
        cond = Q()
        for name in SEARCH_FIELDS:
            if _HAN_RUN.match(word):
                cond |= Q(**{f"{name}__icontains": needle})
            else:
                # Latin words match at the start of a word, with punctuation ignored.
                cond |= Q(**{f"{name}__iregex": r"(^|[^0-9a-z])" + "[-_./]?".join(re.escape(c) for c in needle)})
        qs = qs.filter(cond)
    return qs.count()
