"""PDF screening: pikepdf walks the whole document in a child process, this module words its verdict.

`screen_pdf(data)` returns the page count of an acceptable PDF or raises a ValidationError saying what
is wrong: what active content it holds, or that it is encrypted, damaged, not a PDF at all, or too
complex to check within the limits. What is active and why is decided in `companies/pdf_inspector.py`
(the child); the work is bounded here: objects walked, time, memory.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

INSPECTOR = Path(__file__).with_name("pdf_inspector.py")

# Bounds on the work one upload may cause. A portfolio PDF has hundreds to a few thousand objects and is
# checked in well under a second (most of it starting the child); the walk costs some tens of
# microseconds per object, so the limits below stop a file built to keep a worker busy.
PDF_MAX_OBJECTS = 100_000
PDF_MAX_ITEMS = 1_000_000  # objects plus the dictionaries and arrays inside them
PDF_WALK_SECONDS = 15.0  # checked by the walk itself, so the answer is "too complex", not a kill
PDF_CHECK_SECONDS = 30.0  # the hard stop: the child is killed after this
PDF_CHECK_MEMORY_BYTES = 1024 * 1024 * 1024  # address space of the child


FEATURE_LABELS = {
    "javascript": _("JavaScript"),
    "launch": _("an action that starts another program"),
    "embedded_file": _("embedded files"),
    "rich_media": _("embedded media (video, sound or 3D)"),
    "submit_form": _("a form that sends what is typed in it to a web address"),
    "import_data": _("an action that loads data from another file"),
    "remote_goto": _("a link that opens another file"),
    "embedded_goto": _("a link into an embedded file"),
    "xfa": _("an XFA form"),
    "automatic_action": _("actions that run by themselves (when a page opens or a field is used)"),
    "open_action": _("an action that runs by itself when the file is opened"),
    "open_uri": _("a web address that opens by itself when the file is opened"),
    "unsafe_link": _("a link to something other than a web page, an e-mail address or a phone number"),
}


def screen_pdf(data: bytes) -> int:
    """The number of pages of an acceptable PDF; a ValidationError for anything else."""
    verdict = _inspect(data)
    kind = verdict.get("verdict")
    if kind == "ok" and isinstance(verdict.get("pages"), int):
        return verdict["pages"]
    if kind == "active" and verdict.get("feature") in FEATURE_LABELS:
        raise ValidationError(
            _(
                "This PDF contains %(feature)s, which is not accepted. Save it again without it "
                "(printing it to a new PDF does this) and re-upload it."
            ),
            code="pdf_active_content",
            params={"feature": FEATURE_LABELS[verdict["feature"]]},
        )
    if kind == "encrypted":
        raise ValidationError(
            _("This PDF is encrypted or password-protected, so it cannot be checked. Upload an unprotected copy."),
            code="pdf_encrypted",
        )
    if kind == "damaged":
        raise ValidationError(
            _(
                "This PDF is damaged: its internal structure is broken, so it cannot be checked. "
                "Export or save it again and re-upload it."
            ),
            code="corrupt",
        )
    if kind == "unreadable":
        raise ValidationError(
            _("This file starts like a PDF but cannot be read as one. Export or save it again and re-upload it."),
            code="not_a_pdf",
        )
    if kind == "unchecked":
        raise ValidationError(
            _("This PDF could not be checked just now, so it was not added. Try again in a moment."),
            code="pdf_unchecked",
        )
    raise ValidationError(
        _(
            "This PDF is too complex to check (too many parts, or checking it takes too long). "
            "Export a simpler or smaller version and re-upload it."
        ),
        code="pdf_too_complex",
    )


def _inspect(data: bytes) -> dict:
    limits = {
        "max_objects": PDF_MAX_OBJECTS,
        "max_items": PDF_MAX_ITEMS,
        "seconds": PDF_WALK_SECONDS,
        "memory_bytes": PDF_CHECK_MEMORY_BYTES,
    }
    try:
        finished = subprocess.run(  # noqa: S603 - our own interpreter and script, no shell, no user input in argv
            [sys.executable, "-I", str(INSPECTOR), json.dumps(limits)],
            input=data,
            capture_output=True,
            timeout=PDF_CHECK_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        # Refused like a crash, and worth a look as one (a busy machine can make a crash this slow too).
        logger.warning("The PDF inspector failed (no answer within %s s)", PDF_CHECK_SECONDS)
        return {"verdict": "too_complex"}
    except OSError:
        logger.exception("The PDF inspector could not be started")
        return {"verdict": "unchecked"}
    try:
        verdict = json.loads(finished.stdout)
    except ValueError:
        verdict = None
    if finished.returncode != 0 or not isinstance(verdict, dict):
        # Killed by its memory limit, or qpdf crashed on this file: refused, and worth a look.
        logger.warning(
            "The PDF inspector failed (exit %s): %s", finished.returncode, finished.stderr[-2000:].decode("replace")
        )
        return {"verdict": "too_complex"}
    return verdict
