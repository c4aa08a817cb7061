"""match_bench's synthetic data, without the database: topical companies (about three portfolio items
each, a fifth writing in Dutch) and opportunities across the given countries, as plain dicts.

Texts are built from the Dutch and English entries of the matching glossary (`matching/data/`) by theme, the taxonomy's
disciplines and themes (handed in), sentence templates and names from `words.json`, and a long tail of
made-up names. The same seed gives the same data.
"""

import bisect
import datetime
import itertools
import math
import random
import re

from ...matching import glossary
from .words import WORDS

COMPANY_SLUG = "match-bench-"
KVK_BASE = 90_000_000
# Choice values of the models (checked against them in tests/opportunities/test_match_bench.py).
VISIBILITIES = ("public", "lab", "private")
PUBLISHED, DRAFT, SUBMITTED, CLOSED_WON, EXPIRED = "published", "draft", "submitted", "closed_won", "expired"


TEMPLATE_FIELDS = re.compile(r"\{(\w)\}")


def _glossary_sections() -> dict[str, list[tuple[str, str]]]:
    """The Dutch glossary's (Dutch, English) entries by theme slug ("" for the general sections),
    grouped by the glossary's sections (by the first word of their title)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for title, entries in glossary.SECTIONS["nl"].items():
        section = title.split(",")[0].split()[0].lower()
        for theme in WORDS.section_themes.get(section, ("",)):
            sections.setdefault(theme, []).extend(entries.items())
    return sections


class Generator:
    """Synthetic companies, portfolio items and opportunities: topical, mixed English and Dutch text."""

    def __init__(
        self,
        seed: int,
        disciplines: dict,
        themes: dict,
        countries: list[str],
        labs: dict[str, int],
        *,
        sizes: list[str],
        today: datetime.date,
    ):
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data
        self.disciplines = disciplines  # slug -> (id, English name, Dutch name)
        self.themes = themes  # slug -> id
        self.countries = countries
        self.labs = labs  # country code -> lab id
        self.sizes = sizes  # the company sizes to choose from
        self.today = today  # deadlines count from it
        sections = _glossary_sections()
        general = sections.pop("", [])
        self.pools = {slug: sections.get(slug) or general for slug in themes}
        self.general = general
        self.theme_slugs = sorted(themes)
        self.discipline_slugs = sorted(disciplines)
        # A long tail of rare words, as real texts have (client and product names): Zipf-like by rank.
        rng = self.rng
        syllables = WORDS.syllables
        self.names = sorted({"".join(rng.sample(syllables, rng.randint(2, 3))).capitalize() for _ in range(40_000)})
        self._cumulative = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(self.names))))

    def _name(self) -> str:
        position = bisect.bisect_left(self._cumulative, self.rng.random() * self._cumulative[-1])
        return self.names[min(position, len(self.names) - 1)]

    def _phrase(self, topics: list[str], dutch: bool) -> str:
        rng = self.rng
        pool = self.pools[rng.choice(topics)] if rng.random() < 0.75 else self.general
        dutch_word, english = rng.choice(pool)
        return dutch_word if dutch else english

    def _fill(self, template: str, topics, dutch: bool, discipline: str, name: str, city: str) -> str:
        values = {
            "d": self.disciplines[discipline][2 if dutch else 1].lower(),
            "n": name,
            "t": city,
        }

        def value(match) -> str:
            key = match.group(1)
            if key in values:
                return values[key]
            if key in "xX":
                client = f"{self._name()} {self.rng.choice(('Foundation', 'Group', 'BV', 'Lab', 'Works'))}"
                return client
            phrase = self._phrase(topics, dutch)
            return phrase[:1].upper() + phrase[1:] if key.isupper() else phrase

        text = TEMPLATE_FIELDS.sub(value, template)
        return text[:1].upper() + text[1:]

    def _labels(self, slugs: list[str], near: list[str], low: int, high: int) -> list[str]:
        """`low`..`high` slugs, mostly from `near`."""
        rng = self.rng
        count = rng.randint(low, high)
        chosen = [slug for slug in near if rng.random() < 0.8][:count]
        while len(chosen) < count:
            slug = rng.choice(slugs)
            if slug not in chosen:
                chosen.append(slug)
        return chosen

    def company(self, number: int) -> dict:
        rng = self.rng
        dutch = rng.random() < 0.2
        words = WORDS.nl if dutch else WORDS.en
        topics = rng.sample(self.theme_slugs, rng.choice((1, 1, 2, 2, 3)))
        disciplines = rng.sample(self.discipline_slugs, rng.randint(1, 3))
        name = f"{self._name()} {rng.choice(('Studio', 'Design', 'Lab', 'Collective', 'Works', 'Media'))}"
        city = rng.choice(WORDS.cities_nl)
        fill = self._fill

        def text(kind: str, count: int, discipline=None) -> str:
            return " ".join(
                fill(template, topics, dutch, discipline or rng.choice(disciplines), name, city)
                for template in rng.sample(words[kind], count)
            )

        focus = self.countries
        targets = rng.sample(focus, rng.randint(0, len(focus)))
        presence = [code for code in focus if rng.random() < 0.08]
        items = []
        for position in range(_poisson(rng, 3.0, high=8)):
            item_dutch = dutch if rng.random() < 0.9 else not dutch
            item_words = WORDS.nl if item_dutch else WORDS.en
            discipline = rng.choice(disciplines)
            item_city = rng.choice(WORDS.cities_nl + WORDS.cities.get(rng.choice(focus), []))
            title = fill(rng.choice(item_words["item_title"]), topics, item_dutch, discipline, name, item_city)
            description = " ".join(
                fill(template, topics, item_dutch, discipline, name, item_city)
                for template in rng.sample(item_words["item"], rng.randint(1, 3))
            )
            visibility = rng.choices(VISIBILITIES, weights=(75, 15, 10))[0]
            items.append(
                {
                    "title": title[:150],
                    "client": self._name(),
                    "year": rng.randint(2008, 2026),
                    "description": description,
                    "visibility": visibility,
                    "position": position,
                    "disciplines": self._labels(self.discipline_slugs, [discipline], 0, 2),
                    "themes": self._labels(self.theme_slugs, topics, 0, 2),
                }
            )
        return {
            "name": name[:150],
            "slug": f"{COMPANY_SLUG}{number}",
            "kvk_number": f"{KVK_BASE + number:08d}",
            "city": city,
            "size": rng.choice(self.sizes),
            "founded_year": rng.randint(1990, 2025),
            "pitch": text("pitch", 1)[:300],
            "description": text("sentences", rng.randint(2, 6)),
            "target_countries": ",".join(sorted(targets)),
            "presence_countries": ",".join(sorted(presence)),
            "languages": ["nl", "en"] + [code for code in ("de", "zh") if rng.random() < 0.1],
            "open_to_matching": rng.random() < 0.97,
            "is_listed": rng.random() < 0.6,
            "disciplines": disciplines,
            "themes": self._labels(self.theme_slugs, topics, 0, 3),
            "portfolio": items,
        }

    def opportunity(self, number: int) -> dict:
        rng = self.rng
        dutch = rng.random() < 0.1
        words = WORDS.nl if dutch else WORDS.en
        topics = rng.sample(self.theme_slugs, rng.choice((1, 1, 2)))
        required = rng.sample(self.discipline_slugs, rng.randint(1, 3))
        nice = [slug for slug in rng.sample(self.discipline_slugs, rng.randint(0, 2)) if slug not in required]
        code = rng.choice(self.countries)
        city = rng.choice(WORDS.cities.get(code, ["Capital"]))
        client = self._name()
        fill = self._fill

        def text(kind: str, count: int) -> str:
            return " ".join(
                fill(template, topics, dutch, rng.choice(required), client, city)
                for template in rng.sample(words[kind], count)
            )

        today = self.today
        status = rng.choices(
            (PUBLISHED, DRAFT, SUBMITTED, CLOSED_WON, EXPIRED),
            weights=(90, 3, 2, 3, 2),
        )[0]
        open_days = rng.randint(1, 120) if status != EXPIRED and rng.random() < 0.98 else -rng.randint(1, 60)
        spoken = WORDS.country_language
        languages = ["en"] + ([spoken[code]] if code in spoken and rng.random() < 0.4 else [])
        return {
            "title": text("title", 1)[:200],
            "summary": text("summary", 1)[:300],
            "brief": text("brief", rng.randint(3, 6)),
            "client_name": f"{client} ({city})",
            "city": city,
            "country_id": code,
            "lab_id": self.labs[code],
            "status": status,
            "deadline": today + datetime.timedelta(days=open_days),
            "languages": list(dict.fromkeys(languages)),
            "published": status in (PUBLISHED, CLOSED_WON, EXPIRED),
            "required": required,
            "nice": nice,
            "themes": self._labels(self.theme_slugs, topics, 1, 3),
            "number": number,
        }


def _poisson(rng: random.Random, mean: float, high: int) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit or k >= high:
            return k
        k += 1
