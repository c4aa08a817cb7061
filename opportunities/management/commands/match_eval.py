"""Measure the matching engine against a hand-judged gold set.

    python manage.py match_eval tests/data/match_gold.json
    python manage.py match_eval --engine-version

Prints JSON: nDCG@10, P@5, MRR and recall@20 for opportunities → companies and companies → opportunities,
for the full engine and for its text-only baseline, plus the size of the gold set. See
`opportunities/matching/evaluation.py` for the file format and the metric definitions. No database needed.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from opportunities.matching.evaluation import GoldFormatError, evaluate, load_gold

DECIMALS = 4


class Command(BaseCommand):
    help = "Evaluate the matching engine (full and text-only) against a gold JSON file; prints JSON."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The gold set, e.g. tests/data/match_gold.json.")
        parser.add_argument("--engine-version", action="store_true", help="Print the engine version and nothing else.")

    def handle(self, *args, file: str | None = None, engine_version: bool = False, **options):
        from opportunities.matching.engine import ENGINE_VERSION, Engine

        if engine_version:
            self.stdout.write(str(ENGINE_VERSION))
            return
        if not file:
            raise CommandError("Give the gold file to evaluate, e.g. tests/data/match_gold.json.")
        try:
            gold = load_gold(file)
        except GoldFormatError as error:
            raise CommandError(f"Malformed gold file {file}: {error}") from error

        runs = {"full": evaluate(Engine(), gold), "text_only": evaluate(Engine(text_only=True), gold)}
        report = {
            direction: {name: _rounded(result[direction]) for name, result in runs.items()}
            for direction in ("opportunities_to_companies", "companies_to_opportunities")
        }
        report["counts"] = {
            "companies": len(gold.companies),
            "opportunities": len(gold.opportunities),
            "judgments": gold.judgment_count,
        }
        self.stdout.write(json.dumps(report, indent=2))


def _rounded(metrics: dict[str, float]) -> dict[str, float]:
    return {name: round(value, DECIMALS) for name, value in metrics.items()}
