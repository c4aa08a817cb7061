"""PDFs for the upload tests, built in code: with pikepdf, or by hand where pikepdf cannot write the trick.

pikepdf (qpdf) writes object streams with Flate only. `object_stream_pdf` writes one with any filter by
hand (an object stream and a cross-reference stream), and `object_stream_pdf` itself checks with pikepdf
that the hidden object really is where a reader will find it, so a test built on it cannot pass because
the fixture is broken.
"""

import base64
import io
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name

GENERATE = pikepdf.ObjectStreamMode.generate


def pikepdf_bytes(change=None, *, object_streams: bool = True, **save_options) -> bytes:
    """A one-page PDF written by pikepdf, after `change(pdf)`; objects in (Flate) object streams by default."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if change is not None:
        change(pdf)
    if object_streams:
        save_options.setdefault("object_stream_mode", GENERATE)
    buffer = io.BytesIO()
    pdf.save(buffer, **save_options)
    return buffer.getvalue()


def action(pdf: pikepdf.Pdf, kind: str, **entries) -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(Type=Name.Action, S=Name("/" + kind), **entries))


def link_annotation(pdf: pikepdf.Pdf, the_action) -> pikepdf.Object:
    """A clickable rectangle on the first page that runs `the_action` when clicked."""
    annotation = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([50, 50, 250, 80]), Border=Array([0, 0, 0]))
    )
    annotation.A = the_action
    pdf.pages[0].Annots = pdf.make_indirect(Array([annotation]))
    return annotation


# --- Object streams with any filter, by hand ----------------------------------------------------


def ascii_hex(data: bytes) -> bytes:
    return data.hex().encode() + b">"


def ascii_85(data: bytes) -> bytes:
    return base64.a85encode(data) + b"~>"


def run_length(data: bytes) -> bytes:
    out = bytearray()
    for start in range(0, len(data), 128):
        chunk = data[start : start + 128]
        out += bytes([len(chunk) - 1]) + chunk
    return bytes(out + b"\x80")


def lzw(data: bytes) -> bytes:
    """LZW as PDF readers decode it: 9 to 12 bit codes, early change, a clear code first and when full."""
    clear, end = 256, 257
    table = {bytes([i]): i for i in range(256)}
    codes = [clear]
    current = b""
    for byte in data:
        candidate = current + bytes([byte])
        if candidate in table:
            current = candidate
            continue
        codes.append(table[current])
        table[candidate] = 258 + len(table) - 256
        current = bytes([byte])
        if len(table) - 256 + 258 >= 4094:
            codes.append(clear)
            table = {bytes([i]): i for i in range(256)}
    if current:
        codes.append(table[current])
    codes.append(end)
    return pack_lzw_codes(codes)


def pack_lzw_codes(codes: list[int]) -> bytes:
    """Pack codes MSB first, widening one code early as PDF's EarlyChange 1 has it."""
    out = bytearray()
    accumulator = bits = 0
    width, next_code, first = 9, 258, True
    for code in codes:
        accumulator = (accumulator << width) | code
        bits += width
        while bits >= 8:
            bits -= 8
            out.append((accumulator >> bits) & 0xFF)
        if code == 256:
            width, next_code, first = 9, 258, True
        elif first:
            first = False  # the first code after a clear adds no entry
        else:
            next_code += 1
            if next_code + 1 >= (1 << width) and width < 12:
                width += 1
    if bits:
        out.append((accumulator << (8 - bits)) & 0xFF)
    return bytes(out)


def lzw_bomb(cycles: int) -> bytes:
    """Each cycle of about 5 KB decodes to about 7 MB: a run of "a" longer by one byte with every code."""
    return pack_lzw_codes([*([256, 97, *range(258, 4094)] * cycles), 257])


OBJECT_STREAM_FILTERS = {
    "FlateDecode": zlib.compress,
    "ASCIIHexDecode": ascii_hex,
    "ASCII85Decode": ascii_85,
    "RunLengthDecode": run_length,
    "LZWDecode": lzw,
}


def object_stream_pdf(
    hidden: bytes, *, filter_name: str, catalog_extra: bytes = b"", encoded: bytes | None = None
) -> bytes:
    """A valid PDF whose object 5 (`hidden`, a dictionary) lives only inside object 4, an object stream
    encoded with `filter_name` (or holding `encoded` as it is); a cross-reference stream (object 6) says
    where everything is."""
    members = b"5 0 "
    if encoded is None:
        encoded = OBJECT_STREAM_FILTERS[filter_name](members + hidden)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
        4: b"<< /Type /ObjStm /N 1 /First %d /Filter /%s /Length %d >>\nstream\n%s\nendstream"
        % (len(members), filter_name.encode(), len(encoded), encoded),
    }
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets[6] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    rows += [b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00\x00" for n in (1, 2, 3, 4)]
    rows += [b"\x02" + (4).to_bytes(4, "big") + (0).to_bytes(2, "big")]  # object 5: in stream 4, first
    rows += [b"\x01" + offsets[6].to_bytes(4, "big") + b"\x00\x00"]
    table = b"".join(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (
        len(table),
        table,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    data = bytes(out)
    if encoded is None or hidden:
        _assert_readers_find_object_5(data, filter_name)
    return data


def _assert_readers_find_object_5(data: bytes, filter_name: str) -> None:
    with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as pdf:
        assert not pdf.get_warnings(), pdf.get_warnings()
        assert pdf.get_object((4, 0)).Filter == Name("/" + filter_name)
        found = pdf.get_object((5, 0))
        assert isinstance(found, Dictionary), f"object 5 not readable from the {filter_name} object stream"


def with_garbage_after_the_header(data: bytes, garbage: bytes) -> bytes:
    """`data` (from `tests.companies.test_uploads.pdf_bytes`) with `garbage` right after the header line,
    and every offset in its classic cross-reference table moved along, so the file stays valid."""
    header_end = data.index(b"\n") + 1
    shifted = data[:header_end] + garbage + data[header_end:]
    xref_at = shifted.rindex(b"\nxref\n") + 1
    head, table = shifted[:xref_at], shifted[xref_at:]
    lines = table.split(b"\n")
    for index, line in enumerate(lines):
        if line.endswith(b" 00000 n "):
            lines[index] = b"%010d 00000 n " % (int(line[:10]) + len(garbage))
    table = b"\n".join(lines)
    start_at = table.rindex(b"startxref\n") + len(b"startxref\n")
    table = table[:start_at] + b"%d\n%%%%EOF\n" % len(head)
    return head + table
