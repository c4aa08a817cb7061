"""The matching gold set, the evaluation metrics, `manage.py match_eval`, and the engine against its text-only baseline.

No database: the engine and the evaluation are plain Python.
"""

import json
import math
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from companies.taxonomy import DISCIPLINES, THEMES
from opportunities.matching.documents import CompanyDoc, OpportunityDoc
from opportunities.matching.engine import ENGINE_VERSION, Engine
from opportunities.matching.evaluation import (
    METRICS,
    Gold,
    GoldFormatError,
    evaluate,
    load_gold,
    mrr,
    ndcg_at,
    parse_gold,
    precision_at,
    recall_at,
)

GOLD_PATH = Path(__file__).resolve().parent.parent / "data" / "match_gold.json"
DIRECTIONS = ("opportunities_to_companies", "companies_to_opportunities")

# Words that mark a Dutch text (and hardly occur in English); a text with four of them is Dutch enough.
DUTCH_WORDS = frozenset("de het een en van voor met wij we ons onze zijn naar bij ook die dat niet door je".split())  # noqa: SIM905


def looks_dutch(text: str, words: int = 4) -> bool:
    return len(DUTCH_WORDS.intersection(re.findall(r"[a-zà-ÿ]+", text.lower()))) >= words


@pytest.fixture(scope="module")
def raw_gold() -> dict:
    return json.loads(GOLD_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gold() -> Gold:
    return load_gold(GOLD_PATH)


@pytest.fixture(scope="module")
def results(gold) -> dict:
    return {"full": evaluate(Engine(), gold), "text_only": evaluate(Engine(text_only=True), gold)}


# --- Metrics, on examples computed by hand -------------------------------------------------------------


def test_ndcg_uses_linear_gains_and_a_log2_discount():
    gains = {"a": 2, "b": 1}
    # x (0) at rank 1, a (2) at rank 2, b (1) at rank 3; ideal: a, b.
    expected = (2 / math.log2(3) + 1 / 2) / (2 + 1 / math.log2(3))
    assert ndcg_at(["x", "a", "b"], gains, 3) == pytest.approx(expected)
    assert expected == pytest.approx(0.669672, abs=1e-6)
    assert ndcg_at(["a", "b", "x"], gains, 3) == 1.0
    assert ndcg_at(["b", "a"], gains, 1) == 0.5  # the ideal top 1 is a (2); b gives 1
    assert ndcg_at(["x", "a"], gains, 1) == 0.0
    assert ndcg_at(["a", "b"], {}, 10) == 0.0  # nothing relevant: 0, not a division by zero
    assert ndcg_at([], gains, 10) == 0.0


def test_precision_divides_by_k_even_when_fewer_are_ranked():
    assert precision_at(["a", "x", "b", "y"], {"a", "b"}, 2) == 0.5
    assert precision_at(["a", "x", "b", "y"], {"a", "b"}, 5) == 0.4
    assert precision_at(["x", "y"], {"a"}, 5) == 0.0


def test_reciprocal_rank_of_the_first_relevant_result():
    assert mrr(["x", "y", "a", "b"], {"a", "b"}) == pytest.approx(1 / 3)
    assert mrr(["a"], {"a"}) == 1.0
    assert mrr(["x", "y"], {"a"}) == 0.0


def test_recall_counts_the_relevant_found_in_the_top_k():
    assert recall_at(["a", "x", "b"], {"a", "b", "c"}, 2) == pytest.approx(1 / 3)
    assert recall_at(["a", "x", "b"], {"a", "b", "c"}, 20) == pytest.approx(2 / 3)
    assert recall_at(["a"], set(), 20) == 0.0


def test_evaluate_averages_both_directions_and_inverts_the_judgments():
    class FixedEngine:
        """Ranks companies c1, c2, c3 and opportunities o1, o2, whatever the query."""

        def rank_for_opportunity(self, opportunity, companies):
            return [_Hit(company_id=c.id) for c in companies]

        def rank_for_company(self, company, opportunities):
            return [_Hit(opportunity_id=o.id) for o in opportunities]

    gold = Gold(
        companies=tuple(CompanyDoc(id=f"c{n}", name=f"C{n}") for n in (1, 2, 3)),
        opportunities=tuple(OpportunityDoc(id=f"o{n}", title=f"O{n}") for n in (1, 2)),
        judgments={"o1": {"c1": 2}, "o2": {"c3": 1}},
    )
    result = evaluate(FixedEngine(), gold)
    # o1 finds c1 first (all 1.0); o2 finds c3 third: nDCG 1/log2(4) = 0.5, P@5 1/5, RR 1/3, recall 1.
    o2c = result["opportunities_to_companies"]
    assert o2c == pytest.approx({"ndcg@10": 0.75, "p@5": 0.2, "mrr": (1 + 1 / 3) / 2, "recall@20": 1.0})
    # c1 is judged for o1 (rank 1), c3 for o2 (rank 2); c2 is judged nowhere and is not a query.
    c2o = result["companies_to_opportunities"]
    assert c2o == pytest.approx({"ndcg@10": (1 + 1 / math.log2(3)) / 2, "p@5": 0.2, "mrr": 0.75, "recall@20": 1.0})


class _Hit:
    def __init__(self, company_id: str = "", opportunity_id: str = ""):
        self.company_id, self.opportunity_id, self.score = company_id, opportunity_id, 0.0


# --- Loading -----------------------------------------------------------------------------------------


def test_load_gold_converts_to_engine_documents(gold, raw_gold):
    company = next(c for c in gold.companies if c.id == "c01")
    assert isinstance(company, CompanyDoc)
    assert company.portfolio[0].id == "c01-p1" and company.portfolio[1].id == "c01-p2"
    assert company.portfolio[0].year == 2022 and "serious-games" in company.portfolio[0].disciplines
    opportunity = next(o for o in gold.opportunities if o.id == "o05")
    raw = next(o for o in raw_gold["opportunities"] if o["id"] == "o05")
    assert opportunity.required_disciplines == tuple(raw["disciplines"])
    assert opportunity.languages == ("nl",)
    assert opportunity.description == raw["description"]
    # country codes come out upper case even where the file has them in lower case
    assert all(o.country in {"DE", "CN", "US"} for o in gold.opportunities)
    assert all(code.isupper() for c in gold.companies for code in c.target_countries + c.local_presence)
    assert gold.judgment_count == sum(len(graded) for graded in raw_gold["judgments"].values())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.pop("judgments"), '"judgments" key'),
        (lambda d: d["judgments"]["o01"].update({"c999": 2}), "judgments['o01']['c999']"),
        (lambda d: d["judgments"].update({"o999": {"c01": 1}}), "judgments['o999']"),
        (lambda d: d["judgments"]["o01"].update({"c01": 3}), "grade of 1 or 2"),
        (lambda d: d["companies"][0].update({"disciplines": "games"}), "companies[0].disciplines"),
        (lambda d: d["companies"].append(dict(d["companies"][0])), "duplicate company id(s): c01"),
        (lambda d: d["opportunities"][0].pop("title"), "opportunities[0].title"),
    ],
)
def test_malformed_gold_data_says_where(raw_gold, mutate, message):
    data = json.loads(json.dumps(raw_gold))
    mutate(data)
    with pytest.raises(GoldFormatError, match=re.escape(message)):
        parse_gold(data)


# --- The gold file itself ----------------------------------------------------------------------------


def test_gold_file_has_the_promised_size_and_shape(raw_gold):
    companies, opportunities = raw_gold["companies"], raw_gold["opportunities"]
    assert len(opportunities) >= 20
    assert len(companies) >= 80
    assert {o["country"].upper() for o in opportunities} == {"DE", "CN", "US"}
    assert {o["language"] for o in opportunities} <= {"en", "nl"}
    assert all(re.fullmatch(r"c\d{2,}", c["id"]) for c in companies)
    assert all(re.fullmatch(r"o\d{2,}", o["id"]) for o in opportunities)
    company_keys = {"id", "name", "description", "city", "size", "disciplines", "themes", "target_countries",
                    "local_presence", "languages", "portfolio"}  # fmt: skip
    opportunity_keys = {"id", "title", "description", "country", "city", "themes", "disciplines", "language"}
    item_keys = {"title", "description", "client", "year", "disciplines", "themes"}
    assert all(set(c) == company_keys for c in companies)
    assert all(set(o) == opportunity_keys for o in opportunities)
    assert all(set(item) == item_keys for c in companies for item in c["portfolio"])


def test_a_fifth_of_the_companies_write_in_dutch(raw_gold):
    dutch = [c for c in raw_gold["companies"] if looks_dutch(c["description"])]
    assert len(dutch) >= max(16, len(raw_gold["companies"]) // 5)
    # ... portfolio included (short texts: two marker words), and the crude check does not fire on English ones
    portfolios = [" ".join(f"{i['title']}. {i['description']}" for i in c["portfolio"]) for c in dutch]
    assert all(looks_dutch(text, words=2) for text in portfolios if text)
    assert not looks_dutch(next(c for c in raw_gold["companies"] if c["id"] == "c02")["description"])
    assert any(o["language"] == "nl" and looks_dutch(o["description"]) for o in raw_gold["opportunities"])


def test_every_judgment_is_valid_and_each_opportunity_has_a_mix(raw_gold):
    company_ids = {c["id"] for c in raw_gold["companies"]}
    opportunity_ids = {o["id"] for o in raw_gold["opportunities"]}
    judgments = raw_gold["judgments"]
    assert set(judgments) == opportunity_ids  # every opportunity is judged
    for opportunity_id, graded in judgments.items():
        assert set(graded) <= company_ids, opportunity_id
        assert set(graded.values()) == {1, 2}, f"{opportunity_id}: a mix of strong (2) and plausible (1) fits"
        assert 2 <= len(graded) <= 6, opportunity_id


def test_gold_file_uses_some_labels_outside_the_taxonomy(raw_gold):
    known = {slug for slug, *_ in DISCIPLINES} | {slug for slug, *_ in THEMES}
    used = {
        slug for doc in raw_gold["companies"] + raw_gold["opportunities"] for slug in doc["disciplines"] + doc["themes"]
    }
    assert used - known, "unknown slugs such as 'nightlife' must appear, to show the engine copes"
    assert used & known


# --- The command ---------------------------------------------------------------------------------------


def test_command_prints_json_with_every_figure(gold):
    out = StringIO()
    call_command("match_eval", str(GOLD_PATH), stdout=out)
    report = json.loads(out.getvalue())
    for direction in DIRECTIONS:
        assert set(report[direction]) == {"full", "text_only"}
        for run in report[direction].values():
            assert set(run) == set(METRICS) == {"ndcg@10", "p@5", "mrr", "recall@20"}
            assert all(0.0 <= value <= 1.0 and round(value, 4) == value for value in run.values())
    assert report["counts"] == {
        "companies": len(gold.companies),
        "opportunities": len(gold.opportunities),
        "judgments": gold.judgment_count,
    }


def test_command_prints_the_engine_version_and_nothing_else():
    out = StringIO()
    call_command("match_eval", "--engine-version", stdout=out)
    assert out.getvalue().strip() == str(ENGINE_VERSION)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"companies": [], "opportunities": []}', '"judgments" key'),
        ('{"companies": [], "opportunities": [], "judgments": {"o1": {"c1": 2}}}', "judgments['o1']"),
    ],
)
def test_command_rejects_a_malformed_file_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("match_eval", str(path), stdout=StringIO())


def test_command_rejects_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("match_eval", str(tmp_path / "nope.json"), stdout=StringIO())


# --- The engine against its baseline -----------------------------------------------------------------


def test_full_engine_beats_the_text_only_baseline(results, record_property, capsys):
    for direction in DIRECTIONS:
        for name in METRICS:
            full, text = results["full"][direction][name], results["text_only"][direction][name]
            record_property(f"{direction}.{name}", f"full={full:.4f} text_only={text:.4f}")
            with capsys.disabled():
                print(f"\n{direction:28} {name:10} full={full:.4f}  text_only={text:.4f}", end="")
    full, text = (results[run]["opportunities_to_companies"]["ndcg@10"] for run in ("full", "text_only"))
    assert full > text, f"full engine nDCG@10 {full:.4f} does not beat the text-only baseline {text:.4f}"
