"""The PDF walk, run in a child process: `python -I pdf_inspector.py '<limits as JSON>'` with the PDF on stdin.

It prints one JSON verdict on stdout, e.g. {"verdict": "ok", "pages": 3} or
{"verdict": "active", "feature": "javascript"}; `companies/pdfs.py` starts it and words the verdict.

Why a child process: qpdf (the C++ library behind pikepdf) decodes object and cross-reference streams
while it opens a file, and some of its decoders have no memory limit (an LZW stream of 100 KB inflates to
150 MB, 20 MB to tens of GB). Work done inside C++ cannot be interrupted from Python either. So the walk
runs under an address-space limit and a wall-clock timeout the parent enforces, and a crash of qpdf on
hostile input costs a child, not a web worker. This file imports only the standard library and pikepdf
(`-I` keeps the project off sys.path), so the child starts quickly and cannot touch the database.

What the walk looks at: every object in the cross-reference table, including the ones inside object
streams whatever their filter (qpdf decodes ASCIIHex, ASCII85, LZW, RunLength and Flate alike), the
dictionary of every stream, and the trailer. Stream *contents* (page drawing, images, fonts) hold no
actions and are not decoded: nothing a reader runs lives there, and binary data would hold "/JS" by chance.

Decisions, kept here in one place:
* Refused wherever they appear: JavaScript (/JS, /JavaScript), /Launch, /SubmitForm, /ImportData, /GoToR,
  /GoToE actions, embedded files (/EmbeddedFiles, /EF, /EmbeddedFile, file attachment annotations), rich
  media, sound, movie, screen and 3D content (players and 3D artwork can run scripts of their own), XFA
  forms (/XFA), and additional actions (/AA: actions that run by themselves on events such as a page
  opening or a field being touched).
* /OpenAction runs when the file opens. A destination (open on page 1, fit to window), and a GoTo action
  to one, is what most exporters write (LaTeX, office suites) and only moves the view: accepted. Any other
  open action is refused, a URI one ("open this web address by itself") included.
* A /URI action the reader runs only when someone clicks (a /Link annotation, a bookmark, a button) is
  an ordinary hyperlink, normal in a creative portfolio: accepted when it points to a web page, an e-mail
  address or a phone number (http, https, mailto, tel, or no scheme, which readers treat as a web
  address). A link to anything else (javascript:, file:, smb:, data:, an app's own scheme) is refused.
* Encrypted with an empty user password (only printing or copying restricted): qpdf decrypts it, the walk
  sees everything, accepted. A password needed to open it: refused, it cannot be checked.
* The file must open without qpdf reconstructing its cross-reference table (`attempt_recovery=False`).
  A damaged file is refused rather than guessed at: another reader may guess differently.
"""

from __future__ import annotations

import io
import json
import re
import resource
import sys
import time

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

# Dictionary keys that mean active content whatever the dictionary.
ACTIVE_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",  # the document-level JavaScript name tree
    "/AA": "automatic_action",
    "/EmbeddedFiles": "embedded_file",
    "/EF": "embedded_file",
    "/XFA": "xfa",
    "/RichMediaContent": "rich_media",
    "/RichMediaSettings": "rich_media",
}
# Action types (the value of /S).
ACTIVE_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit_form",
    "/ImportData": "import_data",
    "/GoToR": "remote_goto",
    "/GoToE": "embedded_goto",
    "/Rendition": "rich_media",
    "/Movie": "rich_media",
    "/Sound": "rich_media",
}
# Values of /Type or /Subtype.
ACTIVE_TYPES = {
    "/EmbeddedFile": "embedded_file",
    "/FileAttachment": "embedded_file",
    "/RichMedia": "rich_media",
    "/Screen": "rich_media",
    "/Movie": "rich_media",
    "/Sound": "rich_media",
    "/3D": "rich_media",
}
SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*):")

# Limits on what qpdf may allocate while decoding one stream (it has none by default).
DECODE_LIMIT_BYTES = 64 * 1024 * 1024
MAX_WARNINGS = 1000


class Refused(Exception):
    def __init__(self, verdict: str, feature: str | None = None):
        super().__init__(verdict)
        self.verdict = verdict
        self.feature = feature


def inspect(data: bytes, *, max_objects: int, max_items: int, seconds: float) -> dict:
    """The verdict for a PDF's bytes, as a dict ready for JSON."""
    _limit_qpdf()
    try:
        pdf = _open(data)
    except Refused as refusal:
        return _verdict(refusal)
    limits_hit = pikepdf.settings.qpdf_limit_errors()
    try:
        with pdf:
            pages = _Walk(pdf, max_objects=max_objects, max_items=max_items, seconds=seconds).run()
    except Refused as refusal:
        return _verdict(refusal)
    except (pikepdf.PdfError, pikepdf.DataDecodingError, RuntimeError, ValueError, TypeError, KeyError):
        # An object or object stream that does not parse or decode: qpdf would make it null, another
        # reader might not. A decoder that hit one of the limits above means a bomb, not damage.
        grew = pikepdf.settings.qpdf_limit_errors() > limits_hit
        return {"verdict": "too_complex" if grew else "damaged"}
    return {"verdict": "ok", "pages": pages}


def _verdict(refusal: Refused) -> dict:
    verdict = {"verdict": refusal.verdict}
    if refusal.feature:
        verdict["feature"] = refusal.feature
    return verdict


def _limit_qpdf() -> None:
    pikepdf.settings.set_qpdf_limits(
        doc_max_warnings=MAX_WARNINGS,
        flate_max_memory=DECODE_LIMIT_BYTES,
        run_length_max_memory=DECODE_LIMIT_BYTES,
        png_max_memory=DECODE_LIMIT_BYTES,
        tiff_max_memory=DECODE_LIMIT_BYTES,
        dct_max_memory=DECODE_LIMIT_BYTES,
    )


def _open(data: bytes) -> pikepdf.Pdf:
    options = {"inherit_page_attributes": False, "suppress_warnings": True}
    try:
        return pikepdf.open(io.BytesIO(data), attempt_recovery=False, **options)
    except pikepdf.PasswordError:
        raise Refused("encrypted") from None
    except (pikepdf.PdfError, RuntimeError, ValueError):
        pass
    # Only to word the refusal: could qpdf have repaired it (damaged), or is it no PDF at all?
    try:
        with pikepdf.open(io.BytesIO(data), attempt_recovery=True, **options):
            pass
    except pikepdf.PasswordError:
        raise Refused("encrypted") from None
    except (pikepdf.PdfError, RuntimeError, ValueError):
        raise Refused("unreadable") from None
    raise Refused("damaged")


class _Walk:
    def __init__(self, pdf: pikepdf.Pdf, *, max_objects: int, max_items: int, seconds: float):
        self.pdf = pdf
        self.max_items = max_items
        self.items = 0
        self.deadline = time.monotonic() + seconds
        self.max_objects = max_objects

    def run(self) -> int:
        xref = self.pdf.get_xref_table()
        if len(xref) > self.max_objects:
            raise Refused("too_complex")
        # Decode every object stream first, so that one that does not decode (or decodes into a bomb)
        # is refused as such instead of its objects quietly becoming null.
        for number in sorted({entry.obj_stream_number for entry in xref.values() if entry.type == 2}):
            object_stream = self.pdf.get_object((number, 0))
            if not isinstance(object_stream, Stream):
                raise Refused("damaged")
            try:
                # "specialized" includes RunLength, which qpdf also accepts for object streams.
                object_stream.read_bytes(decode_level=pikepdf.StreamDecodeLevel.specialized)
            except pikepdf.DataDecodingError as error:
                # qpdf words a decoder limit (see _limit_qpdf) as "... memory limit exceeded" and running
                # out of the address space as "std::bad_alloc": a bomb, not damage. Only the wording differs.
                bomb = "limit exceeded" in str(error) or "bad_alloc" in str(error)
                raise Refused("too_complex" if bomb else "damaged") from None
            self._tick()
        for objgen in xref:
            if time.monotonic() > self.deadline:
                raise Refused("too_complex")
            self._visit(self.pdf.get_object(objgen))
        self._visit(self.pdf.trailer)
        return len(self.pdf.pages)

    def _tick(self) -> None:
        self.items += 1
        if self.items > self.max_items or (self.items % 4096 == 0 and time.monotonic() > self.deadline):
            raise Refused("too_complex")

    def _visit(self, top) -> None:
        """One indirect object and the direct objects inside it; references are visited on their own."""
        stack = [top.stream_dict if isinstance(top, Stream) else top]
        while stack:
            obj = stack.pop()
            self._tick()
            if isinstance(obj, Dictionary):
                # One call into pikepdf per dictionary: each call costs far more than the Python around it.
                entries = dict(obj.items())
                _check_dictionary(entries)
                children = entries.values()
            elif isinstance(obj, Array):
                children = obj
            else:
                continue
            for child in children:
                if isinstance(child, Dictionary | Array) and not child.is_indirect:
                    stack.append(child)


def _check_dictionary(entries: dict) -> None:
    for key in entries:
        feature = ACTIVE_KEYS.get(key)
        if feature == "automatic_action" and not _has_entries(entries[key]):
            continue  # an empty (or junk) /AA does nothing
        if feature:
            raise Refused("active", feature)
    for key, table in (("/S", ACTIVE_ACTIONS), ("/Type", ACTIVE_TYPES), ("/Subtype", ACTIVE_TYPES)):
        value = entries.get(key)
        if isinstance(value, Name) and str(value) in table:
            raise Refused("active", table[str(value)])
    kind = entries.get("/S")
    if isinstance(kind, Name) and str(kind) == "/URI":
        _check_link(entries.get("/URI"))
    if "/OpenAction" in entries:
        _check_open_action(entries["/OpenAction"])  # pikepdf follows a reference on reading


def _has_entries(value) -> bool:
    return isinstance(value, Dictionary) and len(value) > 0


def _check_link(uri) -> None:
    if uri is None:
        return
    text = bytes(uri).decode("latin-1") if isinstance(uri, pikepdf.String) else str(uri)
    match = _SCHEME.match(text)
    if match and match.group(1).lower() not in SAFE_LINK_SCHEMES:
        raise Refused("active", "unsafe_link")


def _check_open_action(action) -> None:
    """What runs when the file opens: a destination or a GoTo (to a destination) only."""
    if isinstance(action, Array | pikepdf.String | Name):
        return  # an explicit or a named destination
    if not isinstance(action, Dictionary):
        return  # null or junk: no action
    kind = action.get("/S")
    kind = str(kind) if isinstance(kind, Name) else None
    if kind in ACTIVE_ACTIONS:
        raise Refused("active", ACTIVE_ACTIONS[kind])
    if kind == "/URI":
        raise Refused("active", "open_uri")
    if kind != "/GoTo" or "/Next" in action:
        raise Refused("active", "open_action")


def _limit_memory(limit_bytes: int) -> None:
    if limit_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def main() -> int:
    limits = json.loads(sys.argv[1])
    _limit_memory(limits["memory_bytes"])
    data = sys.stdin.buffer.read()
    try:
        verdict = inspect(
            data, max_objects=limits["max_objects"], max_items=limits["max_items"], seconds=limits["seconds"]
        )
    except MemoryError:
        verdict = {"verdict": "too_complex"}
    sys.stdout.write(json.dumps(verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
