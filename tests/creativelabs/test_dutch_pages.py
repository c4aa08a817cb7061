"""Every page of every role in Dutch, and no English sentence left on it but what people typed.

The pages are those of the authorization matrix (tests/test_url_authorization.py) that answer a role
with 200 to GET, with the objects its rows name; each is read as that role with the language set to
Dutch. From each HTML page the text a reader meets is taken: text, and the attributes read aloud or
shown (title, aria-label, placeholder, alt, a button's value), leaving out scripts, styles, code and
whatever is marked as being in another language (`lang="en"`, such as the language switch's "English").

What people typed is stored in the database, so every text value stored (names, titles, descriptions,
e-mail addresses, the fixtures' English content) is taken out of the page's text first. A piece of what
is left that still holds an English word that Dutch does not have ("the", "your", "with", ...) is
English the portal put there: the test lists each, with its page, per role.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from tests.test_url_authorization import (  # noqa: F401 - the fixtures the rows' arguments name
    MATRIX,
    ROLES,
    World,
    _reauthenticate,
    attachment_a,
    base_name,
    calendar_token_sme,
    colleague_membership,
    company_with_logo,
    deal_a,
    draft_a,
    exchange_a,
    exchange_b,
    exchange_draft_a,
    exchange_suggestion_a,
    exchange_suggestion_b,
    interest_a,
    introduction_a,
    lab_only_file,
    media,
    meeting_a,
    opportunity_factory,
    org_invitation,
    organisation_contact,
    other_company,
    other_contact,
    other_interest,
    other_interest_b,
    other_item,
    other_team_invitation,
    own_file,
    own_item,
    partner_draft_a,
    partner_key,
    partner_owner,
    private_file,
    published_a,
    published_b,
    registration_a,
    role_invitation,
    saved_search,
    submitted_a,
    submitted_b,
    suggestion_a,
    suggestion_b,
    team_invitation,
    theme,
    unlisted_company,
    unsubscribe_token,
    worker_heartbeat,
)

pytestmark = pytest.mark.django_db

# English words that are not Dutch words too (so not "in", "is", "was", "over", "die", "had", "of", "an").
ENGLISH = frozenset(
    """the and you your yours with this that these those please been have has are for from not there their they
    them when which what who whom will would can cannot could should into about our here than then only also
    each every yet any more other others its it's isn't don't doesn't won't can't by to on at or if no yes
    new now all some such just may might must shall since until while how why where after before without
    within between through under again once both few most own same very off out up down""".split()  # noqa: SIM905 - a list of words reads best as words
)
# The portal speaks to its readers as "je"; these words are the formal voice ("u", "uw", "alstublieft").
FORMAL = frozenset({"u", "uw", "alstublieft", "gelieve"})
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp", "template", "textarea"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ReaderText(HTMLParser):
    """The pieces of text a reader meets on a page: each text node and each attribute read aloud."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._stack: list[bool] = []  # per open element: is its content left out

    @property
    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = "" if tag == "html" else (attributes.get("lang") or "").lower()  # the page's own: checked apart
        skip = self._skipping or tag in SKIPPED_ELEMENTS or (bool(lang) and not lang.startswith("nl"))
        if not skip:
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.pieces.append(attributes[name])
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.pieces.append(attributes["value"])
        if tag not in VOID:
            self._stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.pieces.append(data)


def stored_texts() -> list[str]:
    """Every text value in the database, longest first: what people (and the fixtures) typed."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.EmailField) and not f.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            found.update(value.strip() for value in row if isinstance(value, str) and len(value.strip()) > 1)
    return sorted(found, key=len, reverse=True)


def english_in(pieces: list[str], typed: list[str]) -> list[str]:
    """The pieces that still hold English (or the formal voice) once what people typed is taken out of them."""
    left = []
    for piece in pieces:
        text = " ".join(piece.split())
        if not ((ENGLISH | FORMAL) & set(WORD.findall(text.lower()))):
            continue
        for value in typed:
            if len(value) <= len(text) and value in text:
                text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
        # A long text cut short on a list ("…") or split into paragraphs: its parts are typed text too.
        text = " ".join(text.replace("…", " ").split())
        if text and not any(text in value for value in typed) and (ENGLISH | FORMAL) & set(WORD.findall(text.lower())):
            left.append(text)
    return left


def dutch_pages(role: str):
    for key, expect in MATRIX.items():
        if expect.method == "GET" and getattr(expect, role) is not None and expect.outcome(role) == 200:
            yield key, expect


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_in_dutch_has_no_english_left(role, client, request):
    w = World(request)
    user = getattr(w, ROLES[role]) if ROLES[role] else None
    if user is not None:
        user.preferred_language = "nl"
        user.save(update_fields=["preferred_language"])
        client.force_login(user)
    rows = list(dutch_pages(role))
    targets = []
    for key, expect in rows:
        kwargs = expect.kwargs(w) if callable(expect.kwargs) else expect.kwargs
        path = expect.path or reverse(base_name(key), kwargs=kwargs)
        targets.append((key, expect, f"{path}?{urlencode(expect.query)}" if expect.query else path))
    typed = stored_texts()  # once every row's objects exist
    english: dict[str, list[str]] = defaultdict(list)
    read = 0
    for key, expect, path in targets:
        client.cookies["django_language"] = "nl"
        if expect.reauthenticated:
            _reauthenticate(client)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="nl")
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        if getattr(response, "streaming", False):
            continue
        read += 1
        parser = ReaderText()
        parser.feed(response.content.decode())
        for text in english_in(parser.pieces, typed):
            english[f"{key} ({path})"].append(text)
    assert read >= len(rows) // 2, f"only {read} of {len(rows)} pages read as {role}"
    report = "\n".join(f"{page}:\n    " + "\n    ".join(sorted(set(texts))) for page, texts in sorted(english.items()))
    assert not english, f"English left on {len(english)} of {read} Dutch pages as {role}:\n{report}"
