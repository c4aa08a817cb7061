"""The stored form of suggestions: the compact parts the portal keeps, as JSON text in the form PostgreSQL
prints jsonb in (`canonical_json(stored_parts(...))`; a stored row is compared as text, never parsed), written
straight from the arrays of a computation so that a million suggestions are never built as objects."""

from __future__ import annotations

import json

import numpy as np

from .arrays import _paused_gc
from .explanation import part_detail, part_keys, text_evidence
from .scoring import _UNIT, PART_NAMES, score_pairs

# What a stored suggestion keeps of each part's detail: what the portal shows. Parts worth nothing are left
# out (the country part stays: "no link with the country yet" is worth showing), so the kept parts still add
# up to the score.
STORED_DETAIL = {
    "text": ("source", "item", "terms"),
    "required": ("matched",),
    "nice": ("matched",),
    "themes": ("matched",),
    "country": ("fit",),
    "language": ("shared",),
}


def stored_parts(parts) -> list[dict]:
    """The compact, JSON-ready form of a suggestion's parts that the portal stores and shows."""
    return [
        {
            "name": part.name,
            "value": part.value,
            "detail": {key: part.detail.get(key) for key in STORED_DETAIL[part.name]},
        }
        for part in parts
        if part.value > 0 or part.name == "country"
    ]


def _micro_text(micro: int) -> str:
    """A value in millionths as a JSON number, written as PostgreSQL prints it back (no exponent)."""
    text = f"{micro / _UNIT:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _json_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def canonical_json(value) -> str:
    """JSON text in the form PostgreSQL prints a jsonb value in (keys by length, then bytes; ", " and ": "
    between items; numbers as written): the stored parts, compared as text (rows stored as jsonb were
    converted to this form by migration 0007, so they compare equal to a new rendering). Floats must be
    multiples of 10⁻⁶ (part values are)."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: (len(item[0].encode()), item[0].encode()))
        return "{" + ", ".join(f"{_json_string(key)}: {canonical_json(item)}" for key, item in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(canonical_json(item) for item in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float):
        return _micro_text(round(value * _UNIT))
    if isinstance(value, int):
        return str(value)
    return _json_string(value)


def stored_rows(index, o, c, scored, rank_o, rank_c, rendered: dict | None = None) -> list[tuple]:
    """Rows in the stored form: the same parts as `explanation.explain`, as `canonical_json(stored_parts(...))`,
    written straight from the arrays (a million suggestions are never built as objects). `rendered`
    keeps item titles, numbers and structured parts as JSON text from one chunk of a computation to the
    next."""
    best_item = scored["best_item"].tolist()
    with_item = (scored["item_similarity"] > 0).tolist()
    from_item, terms = text_evidence(index, o, c, scored)
    surface_json = index.surface_json
    corpus = index.corpus
    rendered = rendered if rendered is not None else {"titles": {}, "numbers": {}}
    titles: dict[int, str] = rendered["titles"]
    numbers: dict[int, str] = rendered["numbers"]
    o_list, c_list = o.tolist(), c.tolist()
    fragments: list[list] = []
    structured_keys: list[list] = []
    structured_fragments: list[dict] = []
    for name in PART_NAMES:
        if index.micro[name] <= 0:
            continue
        values = scored["values"][name].tolist()
        if name == "text":
            column = []
            append = column.append
            for value, item_row, has_item, item_first, columns in zip(
                values, best_item, with_item, from_item.tolist(), terms, strict=True
            ):
                if value <= 0:
                    append(None)
                    continue
                if item_row >= 0 and has_item:
                    item = titles.get(item_row)
                    if item is None:
                        item = titles[item_row] = _json_string(index.item_titles[item_row])
                else:
                    item = "null"
                words = []
                for term in columns:
                    word = surface_json.get(term)
                    if word is None:
                        word = surface_json[term] = _json_string(corpus.surface(term))
                    if word not in words:
                        words.append(word)
                number = numbers.get(value)
                if number is None:
                    number = numbers[value] = _micro_text(value)
                source = '"item"' if item_first else '"profile"'
                append(
                    f'{{"name": "text", "value": {number}, "detail": {{"item": {item}, '
                    f'"terms": [{", ".join(words)}], "source": {source}}}}}'
                )
            fragments.append(column)
            continue
        # A structured part is the same for all pairs with the same key (`part_keys`): one
        # fragment per key, and one joined text per combination of keys.
        keys = part_keys(index, name, o, scored["codes"][name])
        cache: dict = rendered.setdefault(name, {})
        for key, value, oi, ci in zip(keys, values, o_list, c_list, strict=True):
            if key not in cache:
                if value > 0 or name == "country":
                    detail = part_detail(index, name, oi, ci)
                    stored = {key: detail.get(key) for key in STORED_DETAIL[name]}
                    cache[key] = canonical_json({"name": name, "value": value / _UNIT, "detail": stored})
                else:
                    cache[key] = None
        structured_keys.append(keys)
        structured_fragments.append(cache)
    joined: dict = rendered.setdefault("joined", {})
    structured = []
    for combination in zip(*structured_keys, strict=True):
        text = joined.get(combination)
        if text is None:
            found = (cache[key] for cache, key in zip(structured_fragments, combination, strict=True))
            text = joined[combination] = ", ".join(fragment for fragment in found if fragment is not None)
        structured.append(text)
    if not structured_keys:
        structured = [""] * len(o_list)
    texts = fragments[0] if fragments else [None] * len(o_list)
    opportunity_ids, company_ids = index.opportunity_ids, index.company_ids
    return [
        (
            opportunity_ids[oi],
            company_ids[ci],
            score,
            rank_for_opportunity or None,
            rank_for_company or None,
            f"[{text}, {rest}]" if text and rest else f"[{text or rest}]",
        )
        for oi, ci, score, text, rest, rank_for_opportunity, rank_for_company in zip(
            o_list,
            c_list,
            (scored["total"] / _UNIT).tolist(),
            texts,
            structured,
            rank_o.tolist(),
            rank_c.tolist(),
            strict=True,
        )
    ]


def render(index, pairs, rank_o=None, rank_c=None) -> list[tuple]:
    """Stored rows (`Computation.stored`) of the given (opportunity id, company id) pairs that the index
    holds, with the given ranks (None: no rank); pairs the index doesn't hold are left out."""
    o, c, kept = [], [], []
    for position, (opportunity_id, company_id) in enumerate(pairs):
        o_row = index.position("opportunity", str(opportunity_id))
        c_row = index.position("company", str(company_id))
        if o_row is not None and c_row is not None:
            o.append(o_row)
            c.append(c_row)
            kept.append(position)
    if not kept:
        return []
    o, c = np.asarray(o, dtype=np.int64), np.asarray(c, dtype=np.int64)

    def ranks(values):
        values = values or [None] * len(pairs)
        return np.asarray([values[position] or 0 for position in kept], dtype=np.int64)

    with _paused_gc():
        return stored_rows(index, o, c, score_pairs(index, o, c), ranks(rank_o), ranks(rank_c))
