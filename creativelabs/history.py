"""The history of changes to a tracked model, as entries a person can read: who, when, which field, from what to what.

The rows come from django-simple-history (`history = HistoricalRecords(...)` on the model, the signed-in user
from `simple_history.middleware.HistoryRequestMiddleware`); this module only reads them. Each row is the whole
object after one save, so a change is the difference between a row and the one before it. Values are shown
the way the pages show them: a choice by its label, a foreign key or a many-to-many field by the names of the
objects, a date in the reader's format.

Who may read an object's history is the apps' question (their `permissions` modules); the apps' selectors
call `histories` for the objects the viewer may see. It imports no app.

Queries are bounded whatever the number of objects and rows: one for the rows, one per many-to-many field,
and one per related model whose names are needed.
"""

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_reverse_field_name

# A service saves an object and then sets its many-to-many fields; each `set` writes a row of its own. Rows by
# the same person this close after the one before, that change only many-to-many fields, are that same step.
SAME_STEP_SECONDS = 5
LONGEST_VALUE = 1000  # characters of a long text shown per value; the page has the current text in full
EMPTY = "—"

CREATED = gettext_lazy("created")
CHANGED = gettext_lazy("changed")
DELETED = gettext_lazy("deleted")


@dataclass(frozen=True)
class Change:
    field: str  # the model field's name, for code and tests
    label: str  # its verbose name, for people
    old: str
    new: str


@dataclass
class Entry:
    when: datetime.datetime
    who: str  # "" when no person did it: a task, a command, the portal itself
    action: str
    changes: list[Change] = field(default_factory=list)
    subject: str = ""  # which object, where one page shows the history of several
    note: str = ""


def history_of(obj: models.Model, **options) -> list[Entry]:
    """The entries of one object, oldest first (see `histories`)."""
    return histories([obj], **options).get(obj.pk, [])


def histories(objects, *, hidden=(), subject=None) -> dict[int, list[Entry]]:
    """{pk: entries, oldest first} for tracked objects of one model.

    `hidden` names fields left out of the changes (their story is told elsewhere, e.g. a workflow's status);
    `subject(obj)` labels each entry with its object where several share one list.
    """
    objects = list(objects)
    if not objects:
        return {}
    model = type(objects[0])._meta.concrete_model
    history_model = model.history.model
    rows = list(
        history_model.objects.filter(id__in=[obj.pk for obj in objects])
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    fields = [f for f in history_model.tracked_fields if f.name not in hidden and f.name != model._meta.pk.name]
    m2m_fields = [f for f in history_model._history_m2m_fields if f.name not in hidden]
    members = _m2m_members(history_model, m2m_fields, [row.history_id for row in rows])
    by_object: dict[int, list] = {}
    for row in rows:
        by_object.setdefault(row.id, []).append(row)
    raw = {pk: _raw_entries(pk_rows, fields, m2m_fields, members) for pk, pk_rows in by_object.items()}
    names = _names(fields, m2m_fields, raw)
    labels = {obj.pk: (subject(obj) if subject else "") for obj in objects}
    return {
        pk: [_readable(entry, names, labels.get(pk, "")) for entry in entries] for pk, entries in raw.items() if entries
    }


def merged(*lists: list[Entry]) -> list[Entry]:
    """Several objects' entries as one timeline, oldest first."""
    return sorted((entry for entries in lists for entry in entries), key=lambda entry: entry.when)


# --- From rows to changes ------------------------------------------------------------------------------


@dataclass
class _RawEntry:
    row: object
    action: str
    changes: list[tuple[models.Field, object, object]]
    note: str = ""


def _m2m_members(history_model, m2m_fields, history_ids) -> dict[str, dict[int, frozenset]]:
    """{field name: {history row id: ids of the related objects then}}, one query per field."""
    members = {}
    for m2m in m2m_fields:
        through = getattr(history_model, m2m.name).model
        target = f"{get_m2m_reverse_field_name(m2m)}_id"
        rows: dict[int, set] = {history_id: set() for history_id in history_ids}
        for history_id, target_id in through.objects.filter(history_id__in=history_ids).values_list(
            "history_id", target
        ):
            rows[history_id].add(target_id)
        members[m2m.name] = {history_id: frozenset(ids) for history_id, ids in rows.items()}
    return members


def _raw_entries(rows, fields, m2m_fields, members) -> list[_RawEntry]:
    entries: list[_RawEntry] = []
    previous = None
    for row in rows:
        if row.history_type == "-":
            entries.append(_RawEntry(row, DELETED, []))
        elif previous is None:
            if row.history_type == "+":
                entries.append(_RawEntry(row, CREATED, []))
            else:  # tracked since after the object was created: nothing to compare this first row with
                entries.append(
                    _RawEntry(row, CHANGED, [], note=_("The history starts here; earlier values were not kept."))
                )
        else:
            changes = [
                (f, getattr(previous, f.attname), getattr(row, f.attname))
                for f in fields
                if getattr(previous, f.attname) != getattr(row, f.attname)
            ]
            m2m_changes = [
                (m2m, members[m2m.name][previous.history_id], members[m2m.name][row.history_id])
                for m2m in m2m_fields
                if members[m2m.name][previous.history_id] != members[m2m.name][row.history_id]
            ]
            if m2m_changes and not changes and entries and _same_step(previous, row):
                if entries[-1].action != CREATED:  # what an object was created with is on its page
                    _fold(entries[-1].changes, m2m_changes)
            elif changes or m2m_changes:
                entries.append(_RawEntry(row, CHANGED, changes + m2m_changes))
        previous = row
    # A step whose later changes undid its earlier ones changed nothing.
    return [entry for entry in entries if entry.action != CHANGED or entry.changes or entry.note]


def _fold(changes: list, later: list) -> None:
    """Add a step's later changes to its earlier ones: a field changed twice (a `set` removes, then adds)
    goes from its first old value to its last new one, and drops out if that is no change at all."""
    for f, old, new in later:
        index = next((i for i, (earlier, _old, _new) in enumerate(changes) if earlier is f), None)
        if index is None:
            changes.append((f, old, new))
            continue
        first_old = changes[index][1]
        if first_old == new:
            del changes[index]
        else:
            changes[index] = (f, first_old, new)


def _same_step(previous, row) -> bool:
    close = (row.history_date - previous.history_date).total_seconds() <= SAME_STEP_SECONDS
    return close and previous.history_user_id == row.history_user_id


# --- From values to text -------------------------------------------------------------------------------


def _related_model(f: models.Field):
    return f.related_model if f.is_relation else None


def _names(fields, m2m_fields, raw) -> dict[tuple, str]:
    """{(model, pk): name} of every related object a change mentions, one query per related model."""
    wanted: dict[type, set] = {}
    for entries in raw.values():
        for entry in entries:
            for f, old, new in entry.changes:
                related = _related_model(f)
                if related is None:
                    continue
                ids = (old | new) if f.many_to_many else {old, new}
                wanted.setdefault(related, set()).update(pk for pk in ids if pk is not None)
    names = {}
    for related, ids in wanted.items():
        for pk, obj in related._base_manager.in_bulk(sorted(ids)).items():
            names[(related, pk)] = str(obj)
    return names


def _readable(entry: _RawEntry, names, subject: str) -> Entry:
    row = entry.row
    return Entry(
        when=row.history_date,
        who=str(row.history_user) if row.history_user is not None else "",
        action=str(entry.action),
        changes=[
            Change(f.name, str(capfirst(f.verbose_name)), _text(f, old, names), _text(f, new, names))
            for f, old, new in entry.changes
        ],
        subject=subject,
        note=entry.note or (row.history_change_reason or ""),
    )


def _text(f: models.Field, value, names) -> str:
    related = _related_model(f)
    if related is not None:
        ids = sorted(value) if f.many_to_many else [value]
        shown = [names.get((related, pk), _("(removed)")) for pk in ids if pk is not None]
        return ", ".join(sorted(shown)) or EMPTY
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list | tuple):
        return ", ".join(_one(f, item) for item in value)
    return _one(f, value)


def _one(f: models.Field, value) -> str:
    if hasattr(value, "code") and hasattr(value, "name"):  # a django-countries Country
        return str(value.name) if value.code else EMPTY
    if isinstance(f, models.FileField):  # the history keeps the stored name
        name = value.name if isinstance(value, FieldFile) else str(value)
        return os.path.basename(name) if name else EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if f.choices and not isinstance(value, dict):
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal | float | int):
        return formats.localize(value, use_l10n=True)
    return Truncator(str(value)).chars(LONGEST_VALUE)
