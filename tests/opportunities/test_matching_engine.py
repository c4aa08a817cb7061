"""The matching engine: scores that add up, Dutch and English, hard negatives, filters, ranks, scale.

Plain Python, no database: the engine only sees documents.
"""

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opportunities.matching import engine as engine_module
from opportunities.matching import glossary, screening, text
from opportunities.matching.documents import CompanyDoc, OpportunityDoc, PortfolioDoc
from opportunities.matching.engine import DECIMALS, ENGINE_VERSION, WEIGHTS, Engine, MatchResult, Suggestion

# --- Helpers -------------------------------------------------------------------------------------------


def company(
    id,
    description="",
    *,
    pitch="",
    disciplines=(),
    themes=(),
    presence=(),
    targets=(),
    languages=("en",),
    portfolio=(),
    **extra,
):
    return CompanyDoc(
        id=str(id),
        name=f"Company {id}",
        description=description,
        pitch=pitch,
        disciplines=tuple(disciplines),
        themes=tuple(themes),
        local_presence=tuple(presence),
        target_countries=tuple(targets),
        languages=tuple(languages),
        portfolio=tuple(portfolio),
        **extra,
    )


def item(id, title, description="", **extra):
    return PortfolioDoc(id=str(id), title=title, description=description, **extra)


def opportunity(id, title, description="", *, country="", themes=(), required=(), nice=(), languages=("en",), **extra):
    return OpportunityDoc(
        id=str(id),
        title=title,
        description=description,
        country=country,
        themes=tuple(themes),
        required_disciplines=tuple(required),
        nice_disciplines=tuple(nice),
        languages=tuple(languages),
        **extra,
    )


def ranked_ids(suggestions):
    return [s.company_id for s in suggestions]


def assert_adds_up(suggestion: Suggestion, weights: dict = WEIGHTS) -> None:
    assert 0.0 <= suggestion.score <= 1.0
    assert suggestion.score == round(sum(part.value for part in suggestion.parts), DECIMALS)
    for part in suggestion.parts:
        assert part.name in WEIGHTS
        assert 0.0 <= part.value <= weights[part.name]
        json.dumps(part.detail)


# --- The API -------------------------------------------------------------------------------------------


def test_weights_are_documented_in_one_place_and_sum_to_one():
    assert set(WEIGHTS) == {"text", "required", "nice", "themes", "country", "language"}
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    assert ENGINE_VERSION


def test_custom_weights_are_normalised_and_validated():
    engine = Engine({"text": 2, "required": 2})
    assert engine.weights["text"] == pytest.approx(0.5)
    assert engine.weights["themes"] == 0
    assert sum(engine.weights.values()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="Unknown weight"):
        Engine({"colour": 1.0})
    with pytest.raises(ValueError):
        Engine({"text": -1.0, "required": 2.0})
    with pytest.raises(ValueError):
        Engine({"text": 0.0})


def test_a_suggestion_explains_itself_and_serialises():
    companies = [
        company(
            1,
            "We design serious games about traffic safety for primary schools.",
            disciplines=["serious-games"],
            themes=["mobility", "safety"],
            presence=["DE"],
            languages=["nl", "en", "de"],
            portfolio=[item(11, "Safe Cycling Quest", "A game in which children learn to cycle to school safely.")],
        )
    ]
    opportunities = [
        opportunity(
            1,
            "Cycling safety for children in Berlin",
            "A serious game that teaches children to cycle to school safely.",
            country="DE",
            themes=["mobility", "safety"],
            required=["serious-games", "service-design"],
            nice=["graphic-design"],
            languages=["de", "en"],
        )
    ]
    result = Engine().match(companies, opportunities)
    assert isinstance(result, MatchResult)
    (suggestion,) = result.suggestions
    assert_adds_up(suggestion)
    assert [part.name for part in suggestion.parts] == list(WEIGHTS)
    assert (suggestion.rank_for_opportunity, suggestion.rank_for_company) == (1, 1)
    text_part = suggestion.part("text")
    assert text_part.detail["item"] == "Safe Cycling Quest"
    assert {"cycling", "children"} <= set(text_part.detail["terms"])
    assert suggestion.part("required").detail == {
        "matched": ["serious-games"],
        "missing": ["service-design"],
        "coverage": 0.5,
    }
    assert suggestion.part("country").detail == {"country": "DE", "fit": "presence"}
    sentences = suggestion.explanation()
    assert "Shares serious games (required)." in sentences
    assert "Does not list service design (required)." in sentences
    assert "Already works in Germany." in sentences
    assert any("'Safe Cycling Quest'" in sentence for sentence in sentences)
    as_dict = json.loads(json.dumps(suggestion.as_dict()))
    assert as_dict["score"] == suggestion.score
    assert [part["name"] for part in as_dict["parts"]] == list(WEIGHTS)
    assert as_dict["explanation"] == sentences
    assert result.for_opportunity("1") == [suggestion] == result.for_company(1)


def test_unknown_slugs_work_as_plain_labels():
    companies = [company(1, "We run night markets.", disciplines=["night-markets"], themes=["nightlife"])]
    opportunities = [
        opportunity(1, "A night market", "Night markets for a city.", themes=["nightlife"], required=["night-markets"])
    ]
    (suggestion,) = Engine().match(companies, opportunities).suggestions
    assert suggestion.part("required").detail["matched"] == ["night-markets"]
    assert "Shares night markets (required)." in suggestion.explanation()
    assert "Works on nightlife." in suggestion.explanation()
    assert glossary.discipline_label("service-design") == "service design"


# --- Scores add up (property) --------------------------------------------------------------------------

WORDS = [
    "cycling",
    "safety",
    "children",
    "school",
    "elderly",
    "care",
    "dementia",
    "water",
    "flood",
    "climate",
    "energy",
    "circular",
    "fashion",
    "textile",
    "game",
    "museum",
    "heritage",
    "city",
    "data",
    "packaging",
    "brand",
    "food",
    "inclusion",
    "fietsen",
    "kinderen",
    "ouderenzorg",
    "veiligheid",
    "zorg",
    "spel",
    "the",
    "and",
    "for",
    "with",
    "de",
    "het",
    "een",
    "voor",
]
SLUGS = ["service-design", "serious-games", "branding", "urban-design", "odd-slug"]
THEMES = ["mobility", "elderly-care", "water", "food", "made-up-theme"]
COUNTRIES = ["DE", "CN", "US", ""]
LANGUAGES = ["en", "nl", "de", "zh"]

sentences = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join)
items = st.builds(
    lambda id, title, description, disciplines: item(id, title, description, disciplines=tuple(disciplines)),
    st.integers(1, 10**6),
    sentences,
    sentences,
    st.lists(st.sampled_from(SLUGS), max_size=2, unique=True),
)
companies_strategy = st.lists(
    st.builds(
        lambda id, description, disciplines, themes, presence, targets, languages, portfolio, open_: company(
            id,
            description,
            disciplines=disciplines,
            themes=themes,
            presence=presence,
            targets=targets,
            languages=languages,
            portfolio=portfolio,
            open_to_matching=open_,
        ),
        st.integers(1, 10**6),
        sentences,
        st.lists(st.sampled_from(SLUGS), max_size=3, unique=True),
        st.lists(st.sampled_from(THEMES), max_size=2, unique=True),
        st.lists(st.sampled_from(COUNTRIES[:3]), max_size=1, unique=True),
        st.lists(st.sampled_from(COUNTRIES[:3]), max_size=2, unique=True),
        st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True),
        st.lists(items, max_size=3),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda c: c.id,
)
opportunities_strategy = st.lists(
    st.builds(
        lambda id, title, description, country, themes, required, nice, languages, open_: opportunity(
            id,
            title,
            description,
            country=country,
            themes=themes,
            required=required,
            nice=nice,
            languages=languages,
            is_open=open_,
        ),
        st.integers(1, 10**6),
        sentences,
        sentences,
        st.sampled_from(COUNTRIES),
        st.lists(st.sampled_from(THEMES), max_size=2, unique=True),
        st.lists(st.sampled_from(SLUGS), max_size=2, unique=True),
        st.lists(st.sampled_from(SLUGS), max_size=2, unique=True),
        st.lists(st.sampled_from(LANGUAGES), max_size=2, unique=True),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda o: o.id,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(companies_strategy, opportunities_strategy, st.booleans())
def test_every_suggestion_is_the_sum_of_its_parts(companies, opportunities, text_only):
    engine = Engine(text_only=text_only)
    result = engine.match(companies, opportunities, per_opportunity=3, per_company=2)
    open_companies = {c.id for c in companies if c.open_to_matching}
    open_opportunities = {o.id for o in opportunities if o.is_open}
    for suggestion in result.suggestions:
        assert_adds_up(suggestion, engine.weights)
        assert suggestion.company_id in open_companies
        assert suggestion.opportunity_id in open_opportunities
        assert suggestion.rank_for_opportunity or suggestion.rank_for_company
        if text_only:
            assert [part.name for part in suggestion.parts] == ["text"]
    for opportunity_id in open_opportunities:
        ranked = result.for_opportunity(opportunity_id)
        assert len(ranked) <= 3
        assert [s.rank_for_opportunity for s in ranked] == list(range(1, len(ranked) + 1))
        assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    for company_id in open_companies:
        ranked = result.for_company(company_id)
        assert len(ranked) <= 2
        assert [s.rank_for_company for s in ranked] == list(range(1, len(ranked) + 1))
    # The per-opportunity convenience agrees with the full ranking on the scores of the pairs it shares.
    for opportunity_doc in opportunities:
        for suggestion in engine.rank_for_opportunity(opportunity_doc, companies):
            assert_adds_up(suggestion, engine.weights)
            assert suggestion.rank_for_company is None


# --- Dutch and English -----------------------------------------------------------------------------------


def test_a_dutch_portfolio_item_matches_an_english_brief():
    companies = [
        company(
            1,
            "Wij ontwerpen campagnes en lesmateriaal voor basisscholen.",
            disciplines=["serious-games"],
            languages=["nl", "en"],
            portfolio=[
                item(11, "Museumkoffer", "Een leskoffer over het dagelijks leven rond 1900."),
                item(12, "Fietsveiligheid voor kinderen", "Een spel waarin kinderen veilig leren fietsen."),
            ],
        ),
        company(2, "We make cooking shows and recipe videos for supermarkets.", disciplines=["film-video"]),
        company(3, "Interior design for offices and hotels.", disciplines=["interior-design"]),
    ]
    brief = opportunity(
        1,
        "Cycling safety for children in Berlin",
        "The district wants children to cycle to school safely.",
        country="DE",
        required=["serious-games"],
    )
    ranking = Engine().rank_for_opportunity(brief, companies)
    assert ranking[0].company_id == "1"
    best = ranking[0].part("text")
    assert best.detail["item"] == "Fietsveiligheid voor kinderen"
    assert {"cycling", "safety"} <= set(best.detail["terms"])
    # Text alone already bridges the languages.
    assert Engine(text_only=True).rank_for_opportunity(brief, companies)[0].company_id == "1"


def test_ouderenzorg_matches_elderly_care():
    companies = [
        company(1, "Grijs Goud is een ontwerpbureau voor de ouderenzorg en de mantelzorg.", languages=["nl"]),
        company(2, "We design festivals and concerts for young audiences.", languages=["en"]),
        company(3, "Wij maken fotoboeken over landschap en erfgoed.", languages=["nl"]),
    ]
    brief = opportunity(1, "Elderly care hub", "A day hub for elderly care and their informal carers.")
    ranking = Engine(text_only=True).rank_for_opportunity(brief, companies)
    assert ranking[0].company_id == "1"
    assert {"elderly", "care"} <= set(ranking[0].part("text").detail["terms"])


@pytest.mark.parametrize(
    ("dutch", "english"),
    [
        ("fietsveiligheid", "cycling safety"),
        ("ouderenzorg", "elderly care"),
        ("verkeersveiligheid", "traffic safety"),
        ("zorgrobot", "care robot"),
        ("speeltuin", "playground"),
        ("waterberging", "water storage"),
        ("kinderen", "children"),
        ("dementie", "dementia"),
        ("overgewicht", "obesity"),
        ("klimaatadaptatie", "climate adaptation"),
        ("energietransitie", "energy transition"),
        ("verpakking", "packaging"),
        ("erfgoed", "heritage"),
        ("toegankelijkheid", "accessibility"),
        ("datavisualisatie", "data visualisation"),
        ("schoolroutes", "school routes"),  # an unlisted compound of listed parts
    ],
)
def test_the_glossary_bridges_dutch_to_english_concepts(dutch, english):
    assert set(text.analyse(english, "en")) <= set(text.analyse(dutch, "nl"))


def test_german_compounds_are_bridged_too():
    assert set(text.analyse("traffic safety", "en")) <= set(text.analyse("Verkehrssicherheit", "de"))
    assert set(text.analyse("cycling safety", "en")) <= set(text.analyse("Fahrradsicherheit", "de"))


def test_the_glossary_is_substantial():
    assert len(glossary.NL) >= 300
    assert len(glossary.DE) >= 100


@pytest.mark.parametrize(
    ("sample", "language"),
    [
        ("We design serious games about traffic safety for primary schools and their pupils.", "en"),
        ("Wij ontwerpen serious games over verkeersveiligheid voor basisscholen en gemeenten.", "nl"),
        ("Wir gestalten Lernspiele zur Verkehrssicherheit für Grundschulen und Gemeinden.", "de"),
        ("Fietsveiligheid voor kinderen", "nl"),
        ("ouderenzorg", "nl"),
        ("Safe Cycling Quest", "en"),  # short, no evidence: English
        ("", "en"),
        ("2024", "en"),
    ],
)
def test_language_detection(sample, language):
    assert text.detect_language(sample) == language


def test_stop_words_are_dropped_per_language_and_domain_words_kept():
    assert text.analyse("the and of for with", "en") == []
    assert text.analyse("de het een en van voor", "nl") == []
    assert "serious" in text.analyse("serious games", "en")
    assert text.analyse("older people", "en")[0] == text.analyse("elderly", "en")[0]


def test_words_every_profile_could_use_explain_nothing_and_are_dropped():
    assert text.analyse("A Dutch team works on the client's project", "en") == []
    assert text.analyse("Het Nederlandse team laat de opdrachtgever jaarlijks een project zien", "nl") == ["zien"]
    assert text.analyse("Ein niederländisches Team für deutsche Kunden", "de") == text.analyse("Kunden", "de")
    # Meaningful neighbours stay: work (a bike-to-work campaign), customers (a customer journey).
    assert text.analyse("bike to work", "en") == text.analyse("cycling", "en") + [text.stem("work", "en")]
    assert text.analyse("klanten", "nl") == text.analyse("customer", "en") != []


# --- Hard negatives -------------------------------------------------------------------------------------


def test_skin_care_branding_ranks_below_elderly_care():
    companies = [
        company(1, "Branding and packaging for skin-care, beauty and personal care brands.", disciplines=["branding"]),
        company(
            2,
            "Service design for elderly care: day centres, home care and support for informal carers.",
            disciplines=["service-design"],
            themes=["elderly-care"],
        ),
    ]
    brief = opportunity(
        1,
        "Elderly care hub",
        "A care provider wants a day centre where older residents get care, meals and company.",
        themes=["elderly-care"],
        required=["service-design", "branding"],
    )
    for engine in (Engine(), Engine(text_only=True)):
        assert ranked_ids(engine.rank_for_opportunity(brief, companies))[0] == "2"


def test_same_discipline_wrong_theme_ranks_below_right_theme():
    right = company(
        1,
        "Service design studio for public services and community projects.",
        disciplines=["service-design"],
        themes=["elderly-care"],
    )
    wrong = company(
        2,
        "Service design studio for public services and community projects.",
        disciplines=["service-design"],
        themes=["food"],
    )
    brief = opportunity(
        1,
        "Community services",
        "Public services for a community.",
        themes=["elderly-care"],
        required=["service-design"],
    )
    ranking = Engine().rank_for_opportunity(brief, [wrong, right])
    assert ranked_ids(ranking) == ["1", "2"]
    assert ranking[0].part("themes").value > ranking[1].part("themes").value == 0


# --- Filters ----------------------------------------------------------------------------------------------


def test_closed_opportunities_and_opted_out_companies_never_appear():
    companies = [
        company(1, "Serious games for schools.", disciplines=["serious-games"]),
        company(2, "Serious games for schools.", disciplines=["serious-games"], open_to_matching=False),
    ]
    opportunities = [
        opportunity(1, "Serious game for schools", required=["serious-games"]),
        opportunity(2, "Serious game for schools", required=["serious-games"], is_open=False),
    ]
    result = Engine().match(companies, opportunities)
    assert {(s.opportunity_id, s.company_id) for s in result.suggestions} == {("1", "1")}
    assert Engine().rank_for_opportunity(opportunities[1], companies) == []
    assert Engine().rank_for_company(companies[1], opportunities) == []


def test_a_company_needs_a_required_discipline_or_enough_text():
    companies = [
        company(1, "Architecture for housing.", disciplines=["serious-games"]),  # discipline, no text
        company(2, "Serious games teach children traffic safety.", disciplines=["architecture"]),  # text only
        company(3, "Architecture for housing.", disciplines=["architecture"]),  # neither
    ]
    brief = opportunity(
        1, "Serious game", "A serious game that teaches children traffic safety.", required=["serious-games"]
    )
    assert sorted(ranked_ids(Engine().rank_for_opportunity(brief, companies))) == ["1", "2"]
    # The text-only baseline keeps only the text floor.
    assert ranked_ids(Engine(text_only=True).rank_for_opportunity(brief, companies)) == ["2"]


# --- Country and language -------------------------------------------------------------------------------


def test_country_fit_orders_presence_over_interest_over_none():
    base = "Service design for public services."
    companies = [
        company(1, base, disciplines=["service-design"]),
        company(2, base, disciplines=["service-design"], targets=["DE"]),
        company(3, base, disciplines=["service-design"], presence=["DE"], targets=["DE"]),
    ]
    brief = opportunity(1, "Public services", base, country="DE", required=["service-design"])
    ranking = Engine().rank_for_opportunity(brief, companies)
    assert ranked_ids(ranking) == ["3", "2", "1"]
    assert [s.part("country").detail["fit"] for s in ranking] == ["presence", "interest", "none"]
    assert ranking[0].part("country").value == WEIGHTS["country"]
    assert ranking[1].part("country").value == WEIGHTS["country"] / 2
    assert ranking[2].part("country").value == 0
    assert "Wants to work in Germany." in ranking[1].explanation()


def test_language_fit_counts_the_briefs_working_languages():
    base = "Service design for public services."
    companies = [
        company(1, base, disciplines=["service-design"], languages=["nl"]),
        company(2, base, disciplines=["service-design"], languages=["nl", "en"]),
        company(3, base, disciplines=["service-design"], languages=["nl", "en", "de"]),
    ]
    brief = opportunity(1, "Public services", base, required=["service-design"], languages=["de", "en"])
    ranking = Engine().rank_for_opportunity(brief, companies)
    assert ranked_ids(ranking) == ["3", "2", "1"]
    assert ranking[2].part("language").value == 0
    assert ranking[2].part("language").detail["missing"] == ["de", "en"]
    assert "Works in German and English." in ranking[0].explanation()


# --- Ranks, sizes, determinism -------------------------------------------------------------------------------


def _random_corpus(n_companies, n_opportunities, seed=7):
    rng = random.Random(seed)
    words = WORDS + [f"word{i}" for i in range(300)]

    def sentence(n):
        return " ".join(rng.choice(words) for _ in range(n))

    companies = [
        company(
            i,
            sentence(40),
            pitch=sentence(10),
            disciplines=rng.sample(list(glossary.DISCIPLINE_LABELS), rng.randint(1, 3)),
            themes=rng.sample(list(glossary.THEME_LABELS), rng.randint(0, 2)),
            presence=rng.sample(["DE", "CN", "US"], rng.randint(0, 1)),
            targets=rng.sample(["DE", "CN", "US"], rng.randint(0, 2)),
            languages=["nl", "en"] + rng.sample(["de", "zh"], rng.randint(0, 1)),
            portfolio=[item(f"{i}-{j}", sentence(4), sentence(40)) for j in range(rng.randint(0, 4))],
        )
        for i in range(1, n_companies + 1)
    ]
    opportunities = [
        opportunity(
            i,
            sentence(6),
            sentence(80),
            country=rng.choice(["DE", "CN", "US"]),
            themes=rng.sample(list(glossary.THEME_LABELS), rng.randint(1, 2)),
            required=rng.sample(list(glossary.DISCIPLINE_LABELS), rng.randint(1, 2)),
            nice=rng.sample(list(glossary.DISCIPLINE_LABELS), rng.randint(0, 2)),
            languages=rng.sample(["de", "en", "zh"], rng.randint(1, 2)),
        )
        for i in range(1, n_opportunities + 1)
    ]
    return companies, opportunities


def test_top_k_sizes_and_ranks():
    companies, opportunities = _random_corpus(60, 12)
    result = Engine().match(companies, opportunities, per_opportunity=5, per_company=3)
    for opportunity_doc in opportunities:
        ranked = result.for_opportunity(opportunity_doc.id)
        assert 1 <= len(ranked) <= 5
        assert [s.rank_for_opportunity for s in ranked] == list(range(1, len(ranked) + 1))
    for company_doc in companies:
        ranked = result.for_company(company_doc.id)
        assert len(ranked) <= 3
        assert [s.rank_for_company for s in ranked] == list(range(1, len(ranked) + 1))
    assert sum(len(result.for_opportunity(o.id)) for o in opportunities) == sum(
        1 for s in result.suggestions if s.rank_for_opportunity
    )
    # A pair in both tops is one suggestion with both ranks.
    pairs = [(s.opportunity_id, s.company_id) for s in result.suggestions]
    assert len(pairs) == len(set(pairs))
    assert Engine().match(companies, opportunities, per_opportunity=0, per_company=0).suggestions == []


def test_the_convenience_rankings_agree_with_match():
    companies, opportunities = _random_corpus(40, 8, seed=3)
    engine = Engine()
    result = engine.match(companies, opportunities, per_opportunity=40, per_company=8)
    for opportunity_doc in opportunities[:3]:
        full = [(s.company_id, s.score) for s in result.for_opportunity(opportunity_doc.id)]
        alone = engine.rank_for_opportunity(opportunity_doc, companies)
        # The corpus (and so the idf) differs by the other opportunities: compare the order of the top.
        assert [s.rank_for_opportunity for s in alone] == list(range(1, len(alone) + 1))
        assert {company_id for company_id, _ in full[:3]} & {s.company_id for s in alone[:6]}
    company_doc = companies[0]
    ranked = engine.rank_for_company(company_doc, opportunities)
    assert [s.rank_for_company for s in ranked] == list(range(1, len(ranked) + 1))
    assert all(s.rank_for_opportunity is None for s in ranked)


def test_output_is_deterministic_and_ties_go_to_the_lower_id():
    companies, opportunities = _random_corpus(50, 10, seed=11)
    first = Engine().match(companies, opportunities, per_opportunity=4, per_company=2)
    shuffled_companies, shuffled_opportunities = companies[:], opportunities[:]
    random.Random(1).shuffle(shuffled_companies)
    random.Random(2).shuffle(shuffled_opportunities)
    second = Engine().match(shuffled_companies, shuffled_opportunities, per_opportunity=4, per_company=2)
    assert [s.as_dict() for s in first.suggestions] == [s.as_dict() for s in second.suggestions]
    twins = [company(id, "Service design for public services.", disciplines=["service-design"]) for id in (10, 9, 100)]
    brief = opportunity(1, "Public services", "Service design for public services.", required=["service-design"])
    ranking = Engine().rank_for_opportunity(brief, twins)
    assert len({s.score for s in ranking}) == 1
    assert ranked_ids(ranking) == ["9", "10", "100"]  # numeric ids in numeric order
    assert ranked_ids(Engine().match(twins, [brief], per_opportunity=2).for_opportunity("1")) == ["9", "10"]


def test_large_problem_shortcuts_choose_the_same_top(monkeypatch):
    """The shortcuts for large problems (dense common terms, items left to exact scoring) keep the tops."""
    companies, opportunities = _random_corpus(150, 20, seed=5)
    exact = Engine().match(companies, opportunities, per_opportunity=5, per_company=3)
    monkeypatch.setattr(screening, "LARGE_PAIRS", 0)
    monkeypatch.setattr(screening, "DENSE_HEAD_DENSITY", 0.01)
    shortcut = Engine().match(companies, opportunities, per_opportunity=5, per_company=3)
    assert [s.as_dict() for s in shortcut.suggestions] == [s.as_dict() for s in exact.suggestions]


def test_two_thousand_companies_and_three_hundred_opportunities_run():
    companies, opportunities = _random_corpus(2000, 300, seed=2)
    result = Engine().match(companies, opportunities)
    assert all(1 <= len(result.for_opportunity(o.id)) <= 20 for o in opportunities)
    assert all(len(result.for_company(c.id)) <= 10 for c in companies)
    for suggestion in result.suggestions[:: max(1, len(result.suggestions) // 500)]:
        assert_adds_up(suggestion)


# --- Computing for storage, and following changes (the worker's processed corpus) ---------------------------


def test_stored_rows_are_the_suggestions_in_compact_form():
    companies, opportunities = _random_corpus(120, 20, seed=13)
    computation = Engine().compute(companies, opportunities, per_opportunity=6, per_company=3)
    suggestions = computation.suggestions()
    stored = [row for start in range(0, len(computation), 50) for row in computation.stored(start, start + 50)]
    assert len(stored) == len(suggestions) > 0
    # Texts kept from chunk to chunk: other chunk sizes, in one go or again, give the same rows.
    assert computation.stored(0, None) == stored
    assert [row for start in range(0, len(computation), 7) for row in computation.stored(start, start + 7)] == stored
    for suggestion, row in zip(suggestions, stored, strict=True):
        *columns, parts = row
        score = columns[2]
        assert columns == [
            suggestion.opportunity_id,
            suggestion.company_id,
            suggestion.score,
            suggestion.rank_for_opportunity,
            suggestion.rank_for_company,
        ]
        assert parts == engine_module.canonical_json(engine_module.stored_parts(suggestion.parts))
        # The stored parts still add up to the score; the country part stays even when it is worth nothing.
        kept = json.loads(parts)
        assert round(sum(part["value"] for part in kept), DECIMALS) == score
        assert "country" in [part["name"] for part in kept]
        assert all(part["value"] > 0 for part in kept if part["name"] != "country")


def test_canonical_json_is_written_the_way_postgresql_prints_jsonb():
    value = {"detail": {"terms": ["a"], "source": "item", "item": 'Say "hi"\n'}, "value": 0.35, "name": "text"}
    assert engine_module.canonical_json([value, {"value": 1e-06}, {"value": 1.0}]) == (
        '[{"name": "text", "value": 0.35, "detail": {"item": "Say \\"hi\\"\\n", "terms": ["a"], "source": "item"}}, '
        '{"value": 0.000001}, {"value": 1.0}]'
    )


def test_exact_block_scores_are_the_pairwise_scores():
    import numpy as np

    companies, opportunities = _random_corpus(150, 25, seed=17)
    index = Engine().index(companies, opportunities)
    o = np.repeat(np.arange(index.n_o), index.n_c)
    c = np.tile(np.arange(index.n_c), index.n_o)
    pairwise = index._score_pairs(o, c)
    total, eligible = index.score_block(np.arange(index.n_o), np.arange(index.n_c))
    assert np.array_equal(total.ravel(), pairwise["total"])
    assert np.array_equal(eligible.ravel(), pairwise["eligible"])


def test_the_top_of_one_document_agrees_with_the_full_computation():
    companies, opportunities = _random_corpus(150, 25, seed=19)
    computation = Engine().compute(companies, opportunities, per_opportunity=5, per_company=3)
    result = MatchResult(computation.suggestions())
    index = computation.index
    for opportunity_doc in opportunities:
        expected = [(s.company_id, round(s.score * 10**DECIMALS)) for s in result.for_opportunity(opportunity_doc.id)]
        assert index.top("opportunity", [opportunity_doc.id], 5)[opportunity_doc.id] == expected
        assert index.score_one("opportunity", opportunity_doc.id, 5)[0] == expected
    for company_doc in companies[:40]:
        expected = [(s.opportunity_id, round(s.score * 10**DECIMALS)) for s in result.for_company(company_doc.id)]
        assert index.top("company", [company_doc.id], 3)[company_doc.id] == expected


def test_the_index_follows_changes_without_analysing_everything_again():
    import numpy as np

    companies, opportunities = _random_corpus(120, 20, seed=23)
    index = Engine().index(companies, opportunities)
    before = index.score_block(np.arange(index.n_o), np.arange(index.n_c))
    # Taking documents out and in again (a batch, in any order) gives the same vectors and scores.
    gone = [companies[i] for i in (3, 50, 51, 119)]
    index.remove_companies([doc.id for doc in gone])
    index.remove_opportunities([opportunities[4].id])
    assert index.n_c == len(companies) - 4 and not index.has_company(companies[3].id)
    index.upsert_companies(list(reversed(gone)))
    index.upsert_opportunities([opportunities[4]])
    after = index.score_block(np.arange(index.n_o), np.arange(index.n_c))
    assert np.array_equal(before[0], after[0]) and np.array_equal(before[1], after[1])
    # A changed company is scored on its new text; one that opts out leaves every ranking.
    changed = company(companies[10].id, "Serious games about cycling safety.", disciplines=["serious-games"])
    opted_out = company(companies[11].id, "Gone.", open_to_matching=False)
    brief = opportunity(999, "Cycling safety", "A serious game about cycling safety.", required=["serious-games"])
    index.upsert_opportunities([brief])
    index.upsert_companies([changed, opted_out])
    assert not index.has_company(opted_out.id)
    top, scores = index.score_one("opportunity", brief.id, 3)
    assert top[0][0] == changed.id
    assert opted_out.id not in scores
    row = index.company_ids.index(changed.id)
    total, _eligible = index.score_block(np.arange(index.n_o), [row])
    assert index.score_one("company", changed.id, index.n_o)[1] == {
        index.opportunity_ids[o]: int(total[o, 0]) for o in range(index.n_o) if _eligible[o, 0]
    }
    # Taking the same document in twice changes nothing.
    again = index.score_block(np.arange(index.n_o), np.arange(index.n_c))
    index.upsert_companies([changed])
    assert np.array_equal(again[0], index.score_block(np.arange(index.n_o), np.arange(index.n_c))[0])
