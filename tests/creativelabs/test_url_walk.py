"""No 500 from anything a user can send: every URL pattern of the project, walked as every role with
hostile values in the path, the query string and the body.

Hostile classes: NUL, over-long, bad UTF-8, a lone surrogate, negative, zero and huge numbers (2**63,
10**30), path traversal, bidi marks, emoji, a bogus choice. For each role (visitor, company member,
business developer, embassy staff, admin) the walk makes two rounds over every pattern:

1. the first look: the pattern with valid arguments (the objects of tests/test_url_authorization.py,
   whose rows say which object each argument names) and a hostile query in which the usual names
   (page, q, sort, country, status, ...) carry every class but NUL between them; the forms and
   same-page links of the answer say which names each pattern takes, by GET (the list filters, the
   admin's filters) and by POST (also for POST-only actions whose form is on another page);
2. then, per pattern: hostile path arguments (each argument in turn, the others valid; role n of
   the six takes the classes n, n+6, n+12, so the roles together send every class in every
   argument; by POST where the pattern refuses GET); and, unless the first look met the door (the
   login page, 403, 405), the page's own filters and a body with every field the forms send,
   carrying every class but NUL between them, then a NUL alone (the door refuses it before the rest
   is read) in the query or the body, and for one role in five a broken multipart body.

URL_WALK=full sends every class in every place for every role and pattern instead (some minutes).

Each pattern's requests run inside a savepoint that is rolled back, so what one POST changes (a
colleague removed, an account logged out) never changes what the next pattern sees, and each request
in a savepoint of its own, so a database error in one does not poison the rest. The test client
raises what a view raises; every exception (and any 500) is recorded with the request and the role,
and the test fails once per role, listing them all.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.urls.converters import IntConverter

from tests.test_url_authorization import (  # noqa: F401 - the fixtures the rows' arguments name
    EXPECTATIONS,
    ROLES,
    World,
    attachment_a,
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

# Each hostile value as it goes into an address or a form body: already percent-encoded.
HOSTILE: dict[str, str] = {
    "nul": "%00",
    "over-long": "a" * 5000,
    "bad utf-8": "%FF%FE",
    "lone surrogate": "%ED%A0%80",  # '\ud800' as UTF-8 would write it, which no decoder accepts
    "negative": "-1",
    "zero": "0",
    "huge": str(2**63),  # one past the largest bigint
    "huger": str(10**30),
    "traversal": quote("../../etc/passwd", safe=""),
    "bidi": quote("\u202egnp.exe\u200f", safe=""),
    "emoji": quote("\U0001f3a8\U0001f469\U0001f3fd\u200d\U0001f4bb", safe=""),
    "bogus": "bogus",
}

# Names the views read from the query string or the body without a form on the page to show them.
USUAL_QUERY_NAMES = ["page", "q", "sort", "country", "status", "lab", "theme", "band", "state", "year", "next"]
USUAL_BODY_NAMES = ["direction", "featured", "archive", "action", "reply", "reason", "note", "company", "next"]

ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")

# An admin inline's form count: a huge one makes Django build and render up to 1,000 forms (about
# half a minute; slow, not a 500, and only for admins). Only the full walk sends hostile counts.
FORMSET_COUNTS = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")

# Stand-ins that satisfy every converter, replaced by the hostile value once the URL is reversed.
INT_STAND_IN = 918273645
TEXT_STAND_IN = "zqxstandinzqx"

# URL_WALK=full sends every hostile class in every place for every role and pattern (some minutes);
# the default walk shares the classes out so that it stays under a minute (see walk_pattern).
FULL = os.environ.get("URL_WALK") == "full"

BROKEN_MULTIPART_TYPE = "multipart/form-data; boundary=edge"
BROKEN_MULTIPART = (
    b'--edge\r\nContent-Disposition: form-data; name="title"\r\n\r\nunterminated\r\n'
    b'--edge\r\nContent-Disposition: form-data; name="upload"; filename="\x00.png"\r\n'
)


# --- The patterns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # namespace:name, or the route of a pattern without a name
    route: str
    parameters: dict[str, bool]  # name -> takes an integer

    @property
    def is_admin(self) -> bool:
        return self.key.startswith("admin:") or self.route.startswith("admin/")


def patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = "", parameters=None):
    for entry in (resolver or get_resolver()).url_patterns:
        found = {**(parameters or {}), **_parameters(entry.pattern)}
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from patterns(entry, route, inner, found)
        else:
            assert isinstance(entry, URLPattern), entry
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Pattern(key=name or route, route=route, parameters=found)


def _parameters(pattern) -> dict[str, bool]:
    converters = getattr(pattern, "converters", {})
    names = list(converters) or list(pattern.regex.groupindex)
    return {name: isinstance(converters.get(name), IntConverter) for name in names}


# --- Valid arguments ----------------------------------------------------------------------------


def valid_path(pattern: Pattern, w: World) -> str:
    """The pattern's URL with arguments naming real objects (a row of the authorization matrix)."""
    row = EXPECTATIONS.get(pattern.key)
    if row is not None and row.path:
        return row.path
    kwargs = (row.kwargs(w) if callable(row.kwargs) else row.kwargs) if row is not None else {}
    if not kwargs and pattern.parameters:
        kwargs = _admin_kwargs(pattern)
    if not kwargs and not pattern.parameters and UNNAMED_GROUP.search(pattern.route):
        return reverse(pattern.key, args=_admin_positional_args(pattern))
    return _reverse(pattern, kwargs)


# A group without a name in a regular-expression route: django-simple-history's page of one old
# version in the admin (`<object id>/history/<version id>/`), the only such route.
UNNAMED_GROUP = re.compile(r"\((?!\?)")


def _admin_positional_args(pattern: Pattern) -> list[object]:
    """The first object of the page's model and its latest version in the history."""
    for model in admin.site._registry:
        opts = model._meta
        if pattern.route.startswith(f"admin/{opts.app_label}/{opts.model_name}/"):
            first = model._default_manager.order_by("pk").first()
            if first is None:
                return [1, 1]
            version = first.history.order_by("-history_id").first() if hasattr(first, "history") else None
            return [first.pk, version.history_id if version else 1]
    raise AssertionError(f"no admin model for {pattern.route}")


def _reverse(pattern: Pattern, kwargs: dict[str, object]) -> str:
    if pattern.key != pattern.route:
        return reverse(pattern.key, kwargs=kwargs)
    # A pattern without a name (the admin's old-style object addresses): fill its route in.
    return "/" + ROUTE_PARAMETER.sub(lambda match: str(kwargs[match["name"]]), pattern.route)


def _admin_kwargs(pattern: Pattern) -> dict[str, object]:
    """Arguments for an admin page without a row: the first object of the page's model."""
    kwargs: dict[str, object] = {"app_label": "labs"}
    for model in admin.site._registry:
        opts = model._meta
        if pattern.route.startswith(f"admin/{opts.app_label}/{opts.model_name}/"):
            first = model._default_manager.order_by("pk").first()
            kwargs["object_id"] = kwargs["id"] = first.pk if first else 1
    return {name: value for name, value in kwargs.items() if name in pattern.parameters}


def hostile_paths(pattern: Pattern, valid: str) -> list[tuple[str, str, str]]:
    """(what, hostile class, URL): each path argument in turn replaced by each hostile value."""
    if not pattern.parameters:
        return []
    row = EXPECTATIONS.get(pattern.key)
    if row is not None and row.path:  # a pattern without a name: the value goes after its prefix
        return [(f"{name} in the path", name, f"{row.path}{value}/") for name, value in HOSTILE.items()]
    valid_kwargs = resolve(valid).kwargs
    urls = []
    for name, is_int in pattern.parameters.items():
        stand_in = INT_STAND_IN if is_int else TEXT_STAND_IN
        try:
            template = _reverse(pattern, {**valid_kwargs, name: stand_in})
        except NoReverseMatch:  # a regular expression that allows only some values (admin app labels)
            template, stand_in = valid, valid_kwargs[name]
        for value_class, value in HOSTILE.items():
            urls.append((f"{value_class} in {name}", value_class, template.replace(str(stand_in), value, 1)))
    return urls


# --- Forms on a page ----------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The names each form of a page sends, by method and the path it sends them to.

    The CSRF token is sent with the rest: the test client does not check it, and a hostile token
    must not reach a view either."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.fields: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._form: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").upper()
            action = urlsplit(attributes.get("action") or self.page_path).path or self.page_path
            self._form = (method, action)
            self.fields[self._form]  # a form without named fields still posts
        elif tag in ("input", "select", "textarea", "button") and self._form and attributes.get("name"):
            self.fields[self._form].add(attributes["name"])
        elif tag == "a" and attributes.get("href"):
            # Links to the same page with a query (pages, sorting, the admin's filters) name filters too.
            link = urlsplit(attributes["href"])
            if link.query and link.path in ("", self.page_path):
                self.fields[("GET", self.page_path)] |= set(parse_qs(link.query, keep_blank_values=True))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _pattern_key(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.url_name else match.route


# --- The walk -----------------------------------------------------------------------------------


@dataclass
class Walk:
    """One role's walk: sends the requests, remembers what the pages' forms send, records failures."""

    client: Client
    role: str
    user: object | None
    failures: list[str] = field(default_factory=list)
    _cookies: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    # (method, pattern key) -> the names a form or a link of some page sends there
    names: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))

    def login(self) -> None:
        """Logged in once, outside the savepoints: the session row outlives every rollback."""
        if self.user is not None:
            self.client.force_login(self.user)
        self._cookies = {name: morsel.value for name, morsel in self.client.cookies.items()}

    def start_pattern(self) -> None:
        # A logout or a new session key from the last pattern is undone with its savepoint; the
        # client gets the cookies back that go with the session as it was.
        self.client.cookies.clear()
        for name, value in self._cookies.items():
            self.client.cookies[name] = value

    def send(self, method: str, url: str, what: str, **kwargs):
        """The response, or None after recording the exception or the 500 it gave as a failure."""
        self.requests += 1
        try:
            with transaction.atomic():
                response = getattr(self.client, method.lower())(url, **kwargs)
        except Exception as error:  # noqa: BLE001 - whatever a view raises is a visitor's 500
            self.failures.append(f"{method} {url[:160]} as {self.role} ({what}): {error!r}"[:600])
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:160]} as {self.role} ({what}): {response.status_code}")
        return response

    def read_forms(self, response, page_path: str) -> None:
        if response is None or "html" not in response.get("Content-Type", ""):
            return
        parser = FormFields(page_path)
        parser.feed(response.content.decode(errors="replace"))
        for (method, action), names in parser.fields.items():
            key = _pattern_key(action)
            if key is not None:
                self.names[(method, key)] |= names


def is_gate(response) -> bool:
    """The role does not get past the door: a login page, a refusal, a method not allowed."""
    if response is None:
        return False
    if response.status_code in (403, 405):
        return True
    location = urlsplit(response.get("Location", "")).path
    return response.status_code == 302 and location in ("/accounts/login/", "/admin/login/")


def assigned(names, offset: int, classes: list[str]) -> str:
    """A query or body giving each name a hostile value, the classes taken in turn from `offset`.

    With at least as many names as classes, one request carries every class; the offset moves the
    classes along the names from one pattern and role to the next.
    """
    ordered = sorted(names)
    return "&".join(
        f"{quote(name, safe='')}={HOSTILE[classes[(offset + index) % len(classes)]]}"
        for index, name in enumerate(ordered)
    )


def every_name(names, value_class: str) -> str:
    return "&".join(f"{quote(name, safe='')}={HOSTILE[value_class]}" for name in sorted(names))


NOT_NUL = [value_class for value_class in HOSTILE if value_class != "nul"]


def first_look(walk: Walk, pattern: Pattern, index: int, valid: str) -> tuple[int, bool] | None:
    """The valid address with a hostile query (every class once); the forms on the answer are read."""
    query_names = walk.names[("GET", pattern.key)] | set(USUAL_QUERY_NAMES)
    response = walk.send("GET", f"{valid}?{assigned(query_names, index, NOT_NUL)}", "hostile query")
    walk.read_forms(response, valid)
    return None if response is None else (response.status_code, is_gate(response))


def walk_pattern(walk: Walk, pattern: Pattern, index: int, valid: str, first, role_index: int) -> None:
    """After the first look: hostile path arguments, the page's own filters, a hostile body (every
    class once), a NUL in the query or the body (on its own: the door refuses it before anything else
    is read) and a broken multipart body.

    In the path, role n of the six takes the classes n, n+6, n+12: together the roles send every
    class in every argument. A role the first look showed the door (login, 403, 405) gets only those.
    """
    status, gate = first or (None, False)
    query = assigned(walk.names[("GET", pattern.key)] | set(USUAL_QUERY_NAMES), index + 1, NOT_NUL)
    method = "POST" if status == 405 else "GET"  # POST-only views look objects up on POST only
    for what, value_class, url in hostile_paths(pattern, valid):
        if FULL or list(HOSTILE).index(value_class) % len(ROLES) == role_index:
            walk.send(method, f"{url}?{query}", what)
            if FULL and method == "GET":
                walk.send("POST", url, what)
    if gate and not FULL:
        return  # the door answered already; the rest would meet the same door
    query_names = walk.names[("GET", pattern.key)] | set(USUAL_QUERY_NAMES)
    extra = walk.names[("GET", pattern.key)] - set(USUAL_QUERY_NAMES)
    if extra:  # the page's own filters, now that the first look showed them
        walk.send("GET", f"{valid}?{assigned(extra, index + 2, NOT_NUL)}", "hostile filters")
    body_names = walk.names[("POST", pattern.key)] | set(USUAL_BODY_NAMES)
    if not FULL:
        body_names = {name for name in body_names if not name.endswith(FORMSET_COUNTS)}
    form = "application/x-www-form-urlencoded"
    walk.send("POST", valid, "hostile body", data=assigned(body_names, index, NOT_NUL), content_type=form)
    if (index + role_index) % 2:
        walk.send("GET", f"{valid}?{every_name(query_names, 'nul')}", "nul in the query")
    else:
        walk.send("POST", valid, "nul in the body", data=every_name(body_names, "nul"), content_type=form)
    if FULL or (index + role_index) % len(ROLES) == 0:  # the door's parser refuses it before any view
        walk.send("POST", valid, "broken multipart", data=BROKEN_MULTIPART, content_type=BROKEN_MULTIPART_TYPE)
    if FULL:
        for value_class in HOSTILE:
            walk.send("GET", f"{valid}?{every_name(query_names, value_class)}", f"{value_class} in the query")
            body = every_name(body_names, value_class)
            walk.send("POST", valid, f"{value_class} in the body", data=body, content_type=form)


@pytest.fixture(scope="module")
def _handler():
    # One request handler for the whole walk: loading the middleware (WhiteNoise indexes every
    # static file) for each client would take longer than the walk.
    return Client().handler


@pytest.fixture
def _quiet_warnings():
    # Thousands of 4xx answers, each a logged warning: the walk reads the answers, not the log.
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.usefixtures("_quiet_warnings")
@pytest.mark.parametrize("role", list(ROLES))
def test_no_url_answers_500_to_hostile_input(role, request, _handler):
    w = World(request)
    user = getattr(w, ROLES[role]) if ROLES[role] else None
    client = Client()
    client.handler = _handler
    walk = Walk(client=client, role=role, user=user)
    started = time.monotonic()

    every = list(patterns())
    # Every object the rows name is made now, outside the savepoints rolled back below.
    valid_paths = {pattern.key: urlsplit(valid_path(pattern, w)).path for pattern in every}
    role_index = list(ROLES).index(role)
    # Two rounds: the first looks at every page, so that the second knows what each pattern's forms
    # send, also for POST-only actions whose form is on another page.
    walk.login()
    first_looks = {}
    for index, pattern in enumerate(every):
        with transaction.atomic():
            walk.start_pattern()
            first_looks[pattern.key] = first_look(walk, pattern, index + 3 * role_index, valid_paths[pattern.key])
            transaction.set_rollback(True)
    for index, pattern in enumerate(every):
        with transaction.atomic():
            walk.start_pattern()
            offset = index + 3 * role_index
            walk_pattern(walk, pattern, offset, valid_paths[pattern.key], first_looks[pattern.key], role_index)
            transaction.set_rollback(True)

    elapsed = time.monotonic() - started
    print(f"{role}: {walk.requests} requests over {len(every)} patterns in {elapsed:.1f}s")
    assert not walk.failures, f"{len(walk.failures)} requests answered 500:\n" + "\n".join(walk.failures)


# --- The walk itself can fail -------------------------------------------------------------------


def _raising_view(request):
    raise ZeroDivisionError("a view that breaks")


def _server_error_view(request):
    from django.http import HttpResponseServerError

    return HttpResponseServerError("broken")


urlpatterns = [path("breaks/", _raising_view), path("answers-500/", _server_error_view)]


@pytest.mark.urls(__name__)
def test_the_walk_records_what_a_view_raises_and_every_500(_handler):
    walk = Walk(client=Client(), role="visitor", user=None)
    walk.login()
    assert walk.send("GET", "/breaks/?page=1", "planted") is None
    walk.client.raise_request_exception = False
    assert walk.send("POST", "/answers-500/", "planted").status_code == 500
    assert walk.failures == [
        "GET /breaks/?page=1 as visitor (planted): ZeroDivisionError('a view that breaks')",
        "POST /answers-500/ as visitor (planted): 500",
    ]


def test_the_walk_covers_every_pattern_the_authorization_matrix_declares():
    from tests.test_url_authorization import url_patterns

    assert {pattern.key for pattern in patterns()} == {pattern.key for pattern in url_patterns()}


def test_a_hostile_path_replaces_one_argument_and_keeps_the_others():
    pattern = next(pattern for pattern in patterns() if pattern.key == "opportunities:transition")
    urls = {what: url for what, _, url in hostile_paths(pattern, "/opportunities/7/steps/submit/")}
    assert urls["huge in pk"] == f"/opportunities/{2**63}/steps/submit/"
    assert urls["nul in name"] == "/opportunities/7/steps/%00/"
    assert len(urls) == 2 * len(HOSTILE)


def test_one_request_carries_every_class_when_there_are_names_enough():
    body = assigned(USUAL_QUERY_NAMES, 4, NOT_NUL)
    assert {HOSTILE[value_class] for value_class in NOT_NUL} == {pair.split("=", 1)[1] for pair in body.split("&")}
