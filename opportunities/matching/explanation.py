"""Explanations for the kept pairs: each pair's parts with their details, as `Suggestion` objects.

For the text part, the shared terms by contribution to the dot product (vectorised) and the best portfolio
item; for the structured parts, which of the opportunity's labels the company has, built once per
opportunity and mask and shared between pairs (Parts are frozen; treat their details as read-only).
The stored form (`stored.py`) renders the same parts as JSON text.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from .arrays import _top_terms
from .results import Part, Suggestion
from .scoring import _UNIT, PART_NAMES

SHARED_TERMS = 5  # terms shown per explanation


def text_evidence(index, o, c, scored) -> tuple[np.ndarray, list[list[int]]]:
    """Per pair: whether its best portfolio item carried the text part, and the shared terms (columns)
    that add most to the cosine it is explained by."""
    best_item = scored["best_item"]
    from_item = (best_item >= 0) & (scored["item_similarity"] > scored["profile"])
    terms: list[list[int]] = [[] for _ in range(len(o))]
    for selector, matrix, rows in (
        (np.flatnonzero(~from_item), index.profiles, c),
        (np.flatnonzero(from_item), index.item_vectors, best_item),
    ):
        if len(selector):
            found = _top_terms(index.opportunity_vectors, o[selector], matrix, rows[selector], SHARED_TERMS)
            for position, columns in zip(selector.tolist(), found, strict=True):
                terms[position] = columns
    return from_item, terms


def part_keys(index, name: str, o: np.ndarray, codes: np.ndarray) -> list:
    """Keys under which a structured part is the same: the opportunity and which of its labels match."""
    shift = 2 if name == "country" else index.padded[name][0].shape[1]
    if shift > 62:  # more labels than a mask holds: no sharing
        return list(range(len(o)))
    if index.n_o.bit_length() + shift <= 62:
        return ((o << shift) | codes).tolist()
    return list(zip(o.tolist(), codes.tolist(), strict=True))


def explain(index, o, c, scored, rank_o, rank_c) -> list[Suggestion]:
    """Suggestions for the kept pairs, with their parts and details (the pairs' arrays in `scored`)."""
    best_item = scored["best_item"]
    item_similarity = scored["item_similarity"]
    from_item, terms = text_evidence(index, o, c, scored)
    corpus = index.corpus

    names = [name for name in PART_NAMES if index.micro[name] > 0]
    o_list, c_list = o.tolist(), c.tolist()
    columns_of_parts = []
    for name in names:
        values = (scored["values"][name] / _UNIT).tolist()
        if name == "text":
            details = [
                {
                    "similarity": similarity,
                    "item": index.item_titles[item_row] if item_row >= 0 and item_score > 0 else None,
                    "item_id": index.item_ids[item_row] if item_row >= 0 and item_score > 0 else None,
                    "source": "item" if item_first else "profile",
                    "terms": list(dict.fromkeys([corpus.surface(column) for column in columns])),
                }
                for similarity, item_row, item_score, item_first, columns in zip(
                    np.round(scored["similarity"], 4).tolist(),
                    best_item.tolist(),
                    item_similarity.tolist(),
                    from_item.tolist(),
                    terms,
                    strict=True,
                )
            ]
            columns_of_parts.append(
                [_new_part("text", value, detail) for value, detail in zip(values, details, strict=True)]
            )
            continue
        # A structured part depends only on the opportunity and which of its labels the company has:
        # one shared Part per such key (Parts are frozen; treat their details as read-only).
        keys = part_keys(index, name, o, scored["codes"][name])
        cache: dict = {}
        column = []
        for key, value, oi, ci in zip(keys, values, o_list, c_list, strict=True):
            part = cache.get(key)
            if part is None:
                part = cache[key] = Part(name, value, part_detail(index, name, oi, ci))
            column.append(part)
        columns_of_parts.append(column)
    opportunity_ids, company_ids = index.opportunity_ids, index.company_ids
    return [
        _new_suggestion(
            opportunity_ids[oi],
            company_ids[ci],
            score,
            parts,
            rank_for_opportunity or None,
            rank_for_company or None,
        )
        for oi, ci, score, parts, rank_for_opportunity, rank_for_company in zip(
            o_list,
            c_list,
            (scored["total"] / _UNIT).tolist(),
            zip(*columns_of_parts, strict=True),
            rank_o.tolist(),
            rank_c.tolist(),
            strict=True,
        )
    ]


def part_detail(index, name: str, o: int, c: int) -> dict:
    if name == "country":
        country = index.o_country[o]
        if country and country in index.c_presence[c]:
            fit = "presence"
        elif country and country in index.c_targets[c]:
            fit = "interest"
        else:
            fit = "none"
        return {"country": country or None, "fit": fit}
    wanted = index.lists[name][o]
    offered = {
        "required": index.c_disciplines,
        "nice": index.c_disciplines,
        "themes": index.c_themes,
        "language": index.c_languages,
    }[name][c]
    matched = [label for label in wanted if label in offered]
    missing = [label for label in wanted if label not in offered]
    coverage = round(len(matched) / len(wanted), 4) if wanted else 0.0
    if name == "language":
        return {"shared": matched, "missing": missing, "coverage": coverage}
    return {"matched": matched, "missing": missing, "coverage": coverage}


def _slot_setters(cls) -> tuple:
    return tuple(cls.__dict__[item.name].__set__ for item in fields(cls))


# Fast constructors for the frozen, slotted results: they set the slots through their descriptors instead
# of the generated __init__ (which goes through object.__setattr__ per field). Same objects, in about half
# the time, which counts for the million suggestions of a full recompute.
_new = object.__new__
_PART_NAME, _PART_VALUE, _PART_DETAIL = _slot_setters(Part)
_S_OPPORTUNITY, _S_COMPANY, _S_SCORE, _S_PARTS, _S_RANK_O, _S_RANK_C = _slot_setters(Suggestion)


def _new_part(name: str, value: float, detail: dict) -> Part:
    part = _new(Part)
    _PART_NAME(part, name)
    _PART_VALUE(part, value)
    _PART_DETAIL(part, detail)
    return part


def _new_suggestion(opportunity_id, company_id, score, parts, rank_for_opportunity, rank_for_company) -> Suggestion:
    suggestion = _new(Suggestion)
    _S_OPPORTUNITY(suggestion, opportunity_id)
    _S_COMPANY(suggestion, company_id)
    _S_SCORE(suggestion, score)
    _S_PARTS(suggestion, parts)
    _S_RANK_O(suggestion, rank_for_opportunity)
    _S_RANK_C(suggestion, rank_for_company)
    return suggestion
