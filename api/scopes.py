"""What a partner key may read beyond the public data, one rule per scope.

- `country:XX` (XX a focus country's ISO code): that country's opportunities that are published, and
  those that closed (won, not won, expired) in the last year. Drafts, submissions, rejected and
  withdrawn opportunities are never readable, whatever the key.

Without a key (or with a key without scopes) the API reads what a visitor of the portal sees.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q

from opportunities.models import Status

COUNTRY_SCOPE = re.compile(r"^country:(?P<code>[A-Z]{2})$")
# A key's country scope shows the opportunities that closed this recently, not older ones.
CLOSED_WITHIN = datetime.timedelta(days=365)
CLOSED_STATUSES = (Status.CLOSED_WON, Status.CLOSED_NOT_WON, Status.EXPIRED)


@dataclass(frozen=True)
class Scope:
    """What one client may read: the countries whose recently closed opportunities it sees."""

    countries: frozenset[str] = frozenset()

    def closed_q(self, *, now: datetime.datetime) -> Q:
        """The closed opportunities the scope adds to the published ones (needs the `closed_at` annotation)."""
        if not self.countries:
            return Q(pk__in=[])
        return Q(country_id__in=sorted(self.countries), status__in=CLOSED_STATUSES, closed_at__gte=now - CLOSED_WITHIN)


PUBLIC = Scope()


def scope_of(scopes: list[str]) -> Scope:
    """The scope a key's stored list grants; entries not understood grant nothing."""
    countries = {match["code"] for entry in scopes if (match := COUNTRY_SCOPE.match(str(entry)))}
    return Scope(countries=frozenset(countries))


def country_scope(code: str) -> str:
    return f"country:{code.upper()}"
