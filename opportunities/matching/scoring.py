"""Exact scores: the weights of the parts, and the fit and value of every part for given pairs.

score = Σ weight × fit over the parts of `WEIGHTS` (see `engine.py` for what each part measures), part
values in millionths (`DECIMALS`) so that they add up exactly to the score. `score_pairs` scores a list of
pairs (the candidates of the block pass, or pairs to render), `score_block` every pair of a few rows × all
rows, with the same numbers. Both read the processed corpus of a `MatchIndex`.
"""

from __future__ import annotations

import math

import numpy as np

from .arrays import _product, _rowwise

# The weights of the parts: the one place to tune the engine. They sum to 1.0.
WEIGHTS = {
    "text": 0.35,  # what the texts say: pitch, description and portfolio against the brief
    "required": 0.25,  # required disciplines the company offers
    "nice": 0.05,  # nice-to-have disciplines it offers
    "themes": 0.15,  # the opportunity's themes it works on
    "country": 0.12,  # local presence (full) or stated interest (half) in the opportunity's country
    "language": 0.08,  # the opportunity's working languages it works in
}
PART_NAMES = tuple(WEIGHTS)

DECIMALS = 6  # scores and part values are multiples of 10⁻⁶
TEXT_FLOOR = 0.05  # text cosine that lets a company without a required discipline through
COUNTRY_FIT = {"presence": 1.0, "interest": 0.5, "none": 0.0}

_UNIT = 10**DECIMALS

_LIST_PARTS = {"required": "disciplines", "nice": "disciplines", "themes": "themes", "language": "language"}


def _micro_weights(weights: dict) -> dict[str, int]:
    """Weights normalised to sum 1, in millionths that add up to exactly one million."""
    unknown = set(weights) - set(WEIGHTS)
    if unknown:
        raise ValueError(f"Unknown weight(s): {', '.join(sorted(unknown))}; expected some of {', '.join(WEIGHTS)}.")
    if any(value < 0 or not math.isfinite(value) for value in weights.values()):
        raise ValueError("Weights must be finite and not negative.")
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("At least one weight must be positive.")
    micro = {name: round(weights.get(name, 0) / total * _UNIT) for name in PART_NAMES}
    largest = max(PART_NAMES, key=lambda name: (micro[name], -PART_NAMES.index(name)))
    micro[largest] += _UNIT - sum(micro.values())
    return micro


def score_pairs(index, o: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
    """Exact fits and part values (in millionths) of the given pairs."""
    profile = _rowwise(index.opportunity_vectors, o, index.profiles, c)
    counts = index.item_start[c + 1] - index.item_start[c]
    best_item = np.full(len(o), -1, dtype=np.int64)
    item_similarity = np.zeros(len(o))
    with_items = np.flatnonzero(counts > 0)
    if len(with_items):
        pair_of = np.repeat(with_items, counts[with_items])
        offsets = np.concatenate(([0], np.cumsum(counts[with_items])[:-1]))
        item = index.item_start[c[pair_of]] + (np.arange(len(pair_of)) - np.repeat(offsets, counts[with_items]))
        similarity = _rowwise(index.opportunity_vectors, o[pair_of], index.item_vectors, item)
        best = np.maximum.reduceat(similarity, offsets)
        item_similarity[with_items] = best
        is_best = np.flatnonzero(similarity >= best[np.searchsorted(with_items, pair_of)])
        _, first = np.unique(pair_of[is_best], return_index=True)
        best_item[with_items] = item[is_best[first]]
    profile = np.clip(profile, 0.0, 1.0)
    item_similarity = np.clip(item_similarity, 0.0, 1.0)
    text = np.where(counts > 0, np.maximum(profile, (profile + item_similarity) / 2), profile)
    fits = {"text": np.sqrt(text)}
    codes = {}
    for name in index.lists:
        count, codes[name] = _membership(index, name, o, c)
        length = index.padded[name][1][o]
        fits[name] = np.divide(count, length, out=np.zeros(len(o)), where=length > 0)
    found, fit = _lookup_members(index, "country", index.o_country_index[o], c)
    codes["country"] = np.where(found, np.where(fit >= COUNTRY_FIT["presence"], 2, 1), 0)
    fits["country"] = np.asarray([COUNTRY_FIT["none"], COUNTRY_FIT["interest"], COUNTRY_FIT["presence"]])[
        codes["country"]
    ]
    values = {name: np.rint(fits[name] * index.micro[name]).astype(np.int64) for name in PART_NAMES}
    eligible = text >= TEXT_FLOOR
    if not index.text_only:
        eligible |= fits["required"] > 0
    return {
        "codes": codes,
        "eligible": eligible,
        "profile": profile,
        "item_similarity": item_similarity,
        "best_item": best_item,
        "similarity": text,
        "fits": fits,
        "values": values,
        "total": sum(values.values()),
    }


def _lookup_members(index, features: str, labels: np.ndarray, c: np.ndarray):
    """(found, value) of label `labels[i]` for company `c[i]` (label -1: not found)."""
    keys, data, width = index.member_keys[features]
    wanted = c * max(width, 1) + labels
    position = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = (labels >= 0) & (len(keys) > 0)
    if len(keys):
        found &= keys[position] == wanted
        return found, np.where(found, data[position], 0.0)
    return found, np.zeros(len(c))


def _membership(index, name: str, o: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(how many of the opportunity's labels the company has, which: bit j for the j-th label)."""
    padded, _lengths = index.padded[name]
    count = np.zeros(len(o), dtype=np.int64)
    mask = np.zeros(len(o), dtype=np.int64)
    for j in range(padded.shape[1]):
        found, _value = _lookup_members(index, _LIST_PARTS[name], padded[o, j], c)
        count += found
        if j < 62:
            mask |= found.astype(np.int64) << j
    return count, mask


def score_block(index, o_rows, c_rows) -> tuple[np.ndarray, np.ndarray]:
    """Exact scores (in millionths) and eligibility of every pair of opportunity rows `o_rows` × company
    rows `c_rows`, as dense len(o_rows) × len(c_rows) arrays: the same numbers `score_pairs` gives."""
    o_rows, c_rows = np.asarray(o_rows, dtype=np.int64), np.asarray(c_rows, dtype=np.int64)
    vectors = index.opportunity_vectors[o_rows]
    profile = _product(vectors, index.profiles[c_rows])
    counts = index.item_start[c_rows + 1] - index.item_start[c_rows]
    item_similarity = np.zeros_like(profile)
    with_items = np.flatnonzero(counts > 0)
    if len(with_items):
        starts = index.item_start[c_rows[with_items]]
        lengths = counts[with_items]
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        items = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()))
        similarity = _product(vectors, index.item_vectors[items])
        item_similarity[:, with_items] = np.maximum.reduceat(similarity, offsets, axis=1)
        del similarity
    np.clip(profile, 0.0, 1.0, out=profile)
    np.clip(item_similarity, 0.0, 1.0, out=item_similarity)
    text = np.where(counts > 0, np.maximum(profile, (profile + item_similarity) / 2), profile)
    del profile, item_similarity
    total = np.rint(np.sqrt(text) * index.micro["text"]).astype(np.int64)
    eligible = text >= TEXT_FLOOR
    for name in index.lists:
        count = _product(index.o_binary[name][o_rows], index.c_features[_LIST_PARTS[name]][c_rows])
        length = index.padded[name][1][o_rows][:, None].astype(np.float64)
        fit = np.divide(count, length, out=np.zeros_like(count), where=length > 0)
        total += np.rint(fit * index.micro[name]).astype(np.int64)
        if name == "required" and not index.text_only:
            eligible |= count > 0
    fit = _product(index.o_binary["country"][o_rows], index.c_features["country"][c_rows])
    total += np.rint(fit * index.micro["country"]).astype(np.int64)
    return total, eligible
