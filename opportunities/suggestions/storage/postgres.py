"""Storing suggestions on PostgreSQL: COPY, a staging table and a merge, in the caller's transaction.

A full computation is rendered chunk by chunk on a thread of its own while the chunks before stream in:
into an empty table straight by COPY; otherwise through a staging table, updating only the rows that
changed (the parts are compared as text: unchanged rows are never written) and inserting the new ones;
then decided rows outside the tops leave the rankings and the undecided rest is deleted. An incremental
plan's rows are staged and merged the same way, setting only the rank columns the plan sets."""

import queue
import threading
import time

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from companies.models import Company

from ...models import Opportunity, Suggestion, SuggestionAction
from .base import WRITE_CHUNK, WRITE_CHUNK_SMALLEST, Rankings, by_rank
from .base import columns as _columns

STAGE = "match_stage"


class PostgresStorage:
    """The `Storage` of PostgreSQL (see `base.Storage`)."""

    vendor = "postgresql"

    def store_full(self, computation, timings: dict) -> None:
        _store_full(computation, timings)

    def store_plan(self, rows: list[tuple]) -> None:
        _store_plan(rows)

    def read_rankings(self, side: str, owners) -> Rankings:
        """The stored rankings of the given opportunities or companies (one array parameter, not thousands)."""
        owners = sorted(owners)
        if not owners:
            return {}
        owner, other, rank = _columns(side)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {owner}, {other}, score, {rank} FROM {_table()} "  # noqa: S608 - names from _meta
                f"WHERE {rank} IS NOT NULL AND {owner} = ANY(%s)",
                [owners],
            )
            return by_rank(cursor.fetchall())


def _copy_text(value) -> str:
    return r"\N" if value is None else str(value)


def _stage_lines(chunks, flags=None):
    """COPY text lines of stored rows (backslashes doubled: the JSON's escapes survive COPY); rows of the
    incremental path have two more columns (which ranks they set), and may leave score and parts out."""
    for chunk in chunks:
        lines = []
        for row in chunk:
            opportunity_id, company_id, score, rank_o, rank_c, parts = row[:6]
            if parts is None:
                parts = r"\N"
            elif "\\" in parts:
                parts = parts.replace("\\", "\\\\")
            score = r"\N" if score is None else repr(score)
            line = f"{opportunity_id}\t{company_id}\t{score}\t{_copy_text(rank_o)}\t{_copy_text(rank_c)}\t{parts}"
            if flags is not None:
                line += f"\t{'t' if row[6] else 'f'}\t{'t' if row[7] else 'f'}"
            lines.append(line)
        if lines:
            yield "\n".join(lines) + "\n"


class _Reader:
    """A file object over an iterator of strings, for COPY FROM STDIN: the rows are rendered while the
    server takes in the ones before."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._chunk, self._position = "", 0

    def read(self, size: int = -1) -> str:
        while self._position >= len(self._chunk):
            self._chunk, self._position = next(self._chunks, None), 0
            if self._chunk is None:
                self._chunk = ""
                return ""
        if size is None or size < 0:
            size = len(self._chunk)
        piece = self._chunk[self._position : self._position + size]
        self._position += len(piece)
        return piece

    readline = read


def _copy(cursor, sql: str, chunks) -> None:
    """COPY ... FROM STDIN through the driver (errors as Django's, e.g. IntegrityError)."""
    raw = cursor.cursor
    with connection.wrap_database_errors:
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, _Reader(chunks), size=1 << 20)
        else:  # psycopg 3
            with raw.copy(sql) as copy:
                for chunk in chunks:
                    copy.write(chunk)


def _stage(cursor, chunks, *, flags: bool, rendered: bool = False) -> None:
    """Stream rows (or COPY text already rendered) into a temporary staging table (dropped at commit, or by
    the caller)."""
    columns = "opportunity_id, company_id, score, rank_for_opportunity, rank_for_company, parts"
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (opportunity_id bigint NOT NULL, company_id bigint NOT NULL, "
        "score double precision, rank_for_opportunity integer, rank_for_company integer, "
        "parts text, set_o boolean NOT NULL DEFAULT true, set_c boolean NOT NULL DEFAULT true) "
        "ON COMMIT DROP"
    )
    if flags:
        columns += ", set_o, set_c"
    lines = chunks if rendered else _stage_lines(chunks, flags=True if flags else None)
    _copy(cursor, f"COPY {STAGE} ({columns}) FROM STDIN", lines)


def _insert_columns() -> tuple[str, str, list]:
    """Column list, select list and parameters for inserting staged rows: the engine's columns from the
    stage, every other column its model default."""
    from ...matching.engine import ENGINE_VERSION

    quote = connection.ops.quote_name
    staged = {"opportunity", "company", "score", "rank_for_opportunity", "rank_for_company", "parts"}
    names, values, params = [], [], []
    for field in Suggestion._meta.concrete_fields:
        if field.primary_key:
            continue
        names.append(quote(field.column))
        if field.name in staged:
            values.append(f"x.{quote(field.column)}")
        elif field.name == "engine_version":
            values.append("%s")
            params.append(ENGINE_VERSION)
        elif field.name == "computed_at":
            values.append("%s")
            params.append(timezone.now())
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    return ", ".join(names), ", ".join(values), params


def _table() -> str:
    return connection.ops.quote_name(Suggestion._meta.db_table)


def _rendered(computation, timings: dict):
    """COPY text of the computation's rows, chunk by chunk, rendered on a thread of its own while the
    caller streams the chunks before to the database (which waits on the server, not on Python)."""
    chunks: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def render() -> None:
        try:
            # A small first chunk: the database starts on it while the bigger ones render.
            chunk = min(WRITE_CHUNK, max(WRITE_CHUNK_SMALLEST, len(computation) // 10))
            start, size = 0, chunk // 10
            while start < len(computation):
                text = "".join(_stage_lines([computation.stored(start, start + size)]))
                start, size = start + size, chunk
                while not stop.is_set():
                    try:
                        chunks.put(text, timeout=0.5)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            chunks.put(None)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            chunks.put(error)

    worker = threading.Thread(target=render, name="match-render", daemon=True)
    worker.start()
    waited = 0.0
    try:
        while True:
            clock = time.perf_counter()
            item = chunks.get()
            waited += time.perf_counter() - clock
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()
        timings["write: waiting for rendering"] = waited


def _store_full(computation, timings: dict) -> None:
    """Every kept pair, chunk by chunk while the next chunk renders: into an empty table straight by COPY;
    otherwise staged, then the rows that changed updated and the new ones inserted. Then decided rows
    outside the top are taken out of the rankings and the undecided rest deleted. Rows that come out the
    same are not written (their computed_at stays that of the run that last changed them)."""
    from ...matching.engine import ENGINE_VERSION

    table = _table()
    same_pair = f"x.opportunity_id = {table}.opportunity_id AND x.company_id = {table}.company_id"
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 - names from _meta
        empty = not cursor.fetchone()[0]
        columns, values, params = _insert_columns()
        direct = _direct_copy(now) if empty else None
        keys = f"{STAGE}_keys"
        cursor.execute(f"DROP TABLE IF EXISTS {keys}")
        cursor.execute(f"CREATE TEMPORARY TABLE {keys} (opportunity_id bigint, company_id bigint) ON COMMIT DROP")
        counts = {"updated": 0, "inserted": 0}
        clock = time.perf_counter()
        # A chunk against the whole table: look its pairs up in the unique index, don't scan the table.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        for text in _rendered(computation, timings):
            if direct is not None and _copy_directly(cursor, text, direct):
                counts["inserted"] += text.count("\n")
                continue
            _stage(cursor, [text], flags=False, rendered=True)
            cursor.execute(f"INSERT INTO {keys} SELECT opportunity_id, company_id FROM {STAGE}")  # noqa: S608
            cursor.execute(
                f"UPDATE {table} SET score = x.score, rank_for_opportunity = x.rank_for_opportunity, "  # noqa: S608
                f"rank_for_company = x.rank_for_company, parts = x.parts, engine_version = %s, computed_at = %s "
                f"FROM {STAGE} x WHERE {same_pair} AND ({table}.score, {table}.rank_for_opportunity, "
                f"{table}.rank_for_company, {table}.engine_version, {table}.parts) IS DISTINCT FROM (x.score, "
                f"x.rank_for_opportunity, x.rank_for_company, %s, x.parts)",
                [ENGINE_VERSION, now, ENGINE_VERSION],
            )
            counts["updated"] += cursor.rowcount
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {values} FROM {STAGE} x "  # noqa: S608
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE s.opportunity_id = x.opportunity_id "
                f"AND s.company_id = x.company_id) AND {_both_exist()} "
                "ON CONFLICT (opportunity_id, company_id) DO NOTHING",
                params,
            )
            counts["inserted"] += cursor.rowcount
        timings["write: chunks (render, COPY, merge)"] = time.perf_counter() - clock
        timings["rows updated"], timings["rows inserted"] = counts["updated"], counts["inserted"]
        clock = time.perf_counter()
        cursor.execute("SET LOCAL enable_hashjoin = on")
        cursor.execute("SET LOCAL enable_mergejoin = on")
        if not empty:
            cursor.execute(f"ANALYZE {keys}")
            # One pass over the rows no chunk had: decided ones leave the rankings, the rest goes.
            cursor.execute(
                f"WITH gone AS (SELECT s.id, {_kept('s')} AS decided FROM {table} s "  # noqa: S608
                f"WHERE NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.opportunity_id = s.opportunity_id "
                "AND k.company_id = s.company_id)), "
                f"unranked AS (UPDATE {table} SET rank_for_opportunity = NULL, rank_for_company = NULL "
                f"FROM gone WHERE {table}.id = gone.id AND gone.decided AND "
                f"({table}.rank_for_opportunity IS NOT NULL OR {table}.rank_for_company IS NOT NULL) RETURNING 1) "
                f"DELETE FROM {table} USING gone WHERE {table}.id = gone.id AND NOT gone.decided"
            )
            timings["rows deleted"] = cursor.rowcount
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"DROP TABLE {keys}")
        timings["write: stale rows"] = time.perf_counter() - clock


def _both_exist() -> str:
    """SQL: the staged pair's company and opportunity are still there (one deleted meanwhile is skipped)."""
    company, opportunity = (connection.ops.quote_name(model._meta.db_table) for model in (Company, Opportunity))
    return (
        f"EXISTS (SELECT 1 FROM {company} c WHERE c.id = x.company_id) "  # noqa: S608 - names from _meta
        f"AND EXISTS (SELECT 1 FROM {opportunity} o WHERE o.id = x.opportunity_id)"
    )


def _direct_copy(now) -> tuple[str, str]:
    """(COPY statement, text to end each staged line with) to write rendered rows straight into the
    suggestions table: the engine's columns, then every other column its model default."""
    from ...matching.engine import ENGINE_VERSION

    quote = connection.ops.quote_name
    columns = ["opportunity_id", "company_id", "score", "rank_for_opportunity", "rank_for_company", "parts"]
    tail = []
    for field in Suggestion._meta.concrete_fields:
        if field.primary_key or field.column in columns:
            continue
        if field.name == "engine_version":
            value = ENGINE_VERSION
        elif field.name == "computed_at":
            value = now.isoformat()
        else:
            value = field.get_db_prep_save(field.get_default(), connection)
            value = {True: "t", False: "f"}.get(value, value) if isinstance(value, bool) else value
        columns.append(quote(field.column))
        tail.append(_copy_text(value))
    return f"COPY {_table()} ({', '.join(columns)}) FROM STDIN", "".join("\t" + value for value in tail)


def _copy_directly(cursor, text: str, direct: tuple[str, str]) -> bool:
    """COPY rendered rows into the suggestions table; False if that failed on a pair already there (added
    by hand meanwhile), with nothing of the chunk written (it goes through the stage instead)."""
    sql, tail = direct
    try:
        with transaction.atomic():
            _copy(cursor, sql, [text.replace("\n", tail + "\n")])
    except IntegrityError:
        return False
    return True


def _kept(row: str) -> str:
    """SQL: the suggestion `row` is one to keep (see `_KEPT`)."""
    actions = connection.ops.quote_name(SuggestionAction._meta.db_table)
    return f"({row}.decision <> '' OR EXISTS (SELECT 1 FROM {actions} a WHERE a.suggestion_id = {row}.id))"  # noqa: S608 - names from _meta


def _store_plan(rows) -> None:
    from ...matching.engine import ENGINE_VERSION

    if not rows:
        return
    table = _table()
    same_pair = f"x.opportunity_id = {table}.opportunity_id AND x.company_id = {table}.company_id"
    with connection.cursor() as cursor:
        _stage(cursor, [rows], flags=True)
        # A few thousand pairs against the whole table: look them up in its unique index, don't scan it.
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            f"UPDATE {table} SET score = COALESCE(x.score, {table}.score), "  # noqa: S608 - names from _meta
            f"parts = COALESCE(x.parts, {table}.parts), "
            f"engine_version = CASE WHEN x.parts IS NULL THEN {table}.engine_version ELSE %s END, computed_at = %s, "
            f"rank_for_opportunity = CASE WHEN x.set_o THEN x.rank_for_opportunity ELSE {table}.rank_for_opportunity "
            f"END, rank_for_company = CASE WHEN x.set_c THEN x.rank_for_company ELSE {table}.rank_for_company END "
            f"FROM {STAGE} x WHERE {same_pair} RETURNING {table}.id, {table}.rank_for_opportunity IS NULL "
            f"AND {table}.rank_for_company IS NULL AND NOT {_kept(table)}",
            [ENGINE_VERSION, timezone.now()],
        )
        # Rows now in no ranking and undecided go (they were all just updated: no other row can be).
        unranked = [pk for pk, gone in cursor.fetchall() if gone]
        columns, values, params = _insert_columns()
        values = values.replace("x.rank_for_opportunity", "CASE WHEN x.set_o THEN x.rank_for_opportunity END")
        values = values.replace("x.rank_for_company", "CASE WHEN x.set_c THEN x.rank_for_company END")
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {values} FROM {STAGE} x "  # noqa: S608
            f"WHERE x.parts IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {table} s WHERE s.opportunity_id = "
            f"x.opportunity_id AND s.company_id = x.company_id) AND {_both_exist()} "
            "ON CONFLICT (opportunity_id, company_id) DO NOTHING",
            params,
        )
        if unranked:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [unranked])  # noqa: S608
        cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute("SET LOCAL enable_hashjoin = on")
        cursor.execute("SET LOCAL enable_mergejoin = on")
