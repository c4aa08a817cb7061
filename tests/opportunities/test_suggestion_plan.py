"""The ranking merge of an incremental recompute, on plain data (no database, no engine)."""

from opportunities.matching.plan import KEEP, Change, Plan, affected, enters, plan_change


def no_rescore(owners):
    raise AssertionError(f"nothing should be scored again, asked for {owners}")


def test_a_pair_enters_a_ranking_only_by_score_then_lower_id():
    assert enters(900, 1, None)  # the ranking is not full
    assert enters(701, 9, (700, 3))
    assert enters(700, 2, (700, 3))
    assert not enters(700, 4, (700, 3))
    assert not enters(699, 1, (700, 3))


def test_a_company_that_enters_one_full_ranking_and_moves_in_another():
    # Company 1 changed; rankings of two per opportunity and two per company.
    change = Change(
        side="company", own_id=1, own_top=[(10, 900), (11, 500)], scores={10: 900, 11: 500}, own_limit=2, other_limit=2
    )
    rankings = {10: [(2, 800, 1), (3, 700, 2)], 11: [(1, 600, 1)]}
    stored_own = {11: 1}  # it is ranked first by opportunity 11
    last = {10: (700, 3)}  # opportunity 10's ranking is full; 11's is not
    assert affected(change, stored_own, last) == {10, 11}
    plan = plan_change(
        change, stored_own=stored_own, last=last, rankings=rankings, rescore=no_rescore, rescore_cost=3, max_rescored=0
    )
    assert plan.tops == {
        "opportunity": {10: [(1, 900), (2, 800)], 11: [(1, 500)]},
        "company": {1: [(10, 900), (11, 500)]},
    }
    assert plan.rows == {
        (10, 2): [2, KEEP, False],  # moved down a place: only its rank is written
        (10, 3): [None, KEEP, False],  # pushed out of opportunity 10's ranking
        (10, 1): [1, 1, True],  # the changed company's own pairs: scores, parts and both ranks
        (11, 1): [1, 2, True],
    }
    assert plan.scored_pairs() == [(10, 1), (11, 1)]
    assert plan.last_pairs({"opportunity": 2, "company": 2}) == {
        "opportunity": {10: (800, 2), 11: None},
        "company": {1: (500, 11)},
    }


def test_a_full_ranking_that_loses_the_pair_is_ranked_again():
    # Company 1 no longer fits opportunity 10, whose stored ranking ends with it: its next pair is unknown.
    change = Change(side="company", own_id=1, own_top=[], scores={}, own_limit=2, other_limit=2)
    rankings = {10: [(1, 900, 1), (2, 800, 2)]}
    asked = []

    def rescore(owners):
        asked.append(owners)
        return {10: [(2, 800), (5, 600)]}

    arguments = {"stored_own": {10: 1}, "last": {10: (800, 2)}, "rankings": rankings, "rescore": rescore}
    plan = plan_change(change, **arguments, rescore_cost=100, max_rescored=100)
    assert asked == [[10]]
    assert plan.tops["opportunity"] == {10: [(2, 800), (5, 600)]}
    assert plan.rows == {
        (10, 2): [1, KEEP, False],
        (10, 5): [2, KEEP, True],  # new in the ranking: scored and rendered
        (10, 1): [None, None, False],  # in no ranking now: leaves both (and goes, unless decided)
    }
    # More to score again than allowed: no plan (a full recompute instead), and nothing scored.
    asked.clear()
    assert plan_change(change, **arguments, rescore_cost=100, max_rescored=99) is None
    assert asked == []


def test_an_opportunity_change_writes_pairs_the_other_way_round():
    change = Change(side="opportunity", own_id=10, own_top=[(1, 700)], scores={1: 700}, own_limit=2, other_limit=2)
    plan = plan_change(
        change,
        stored_own={},
        last={},
        rankings={1: [(11, 500, 1)]},
        rescore=no_rescore,
        rescore_cost=1,
        max_rescored=0,
    )
    assert plan.tops == {"company": {1: [(10, 700), (11, 500)]}, "opportunity": {10: [(1, 700)]}}
    assert plan.rows == {(11, 1): [KEEP, 2, False], (10, 1): [1, 1, True]}


def test_stored_rows_leave_what_the_plan_keeps():
    plan = Plan()
    plan.set((10, 1), rank_o=1, rank_c=1, full=True)
    plan.set((10, 2), rank_o=2)
    plan.set((11, 1), rank_o=3, full=True)  # the corpus no longer holds opportunity 11: nothing rendered
    rendered = {(10, 1): (0.9, '[{"name": "text"}]')}
    assert plan.stored_rows(rendered) == [
        (10, 1, 0.9, 1, 1, '[{"name": "text"}]', True, True),
        (10, 2, None, 2, None, None, True, False),
        (11, 1, None, 3, None, None, True, True),
    ]
