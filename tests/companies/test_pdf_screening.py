"""PDF screening with pikepdf: one hostile PDF per kind of active content, the ordinary ones accepted,
and the files that cannot be checked (encrypted, damaged, too complex) refused with their own message.

Every PDF is built here, with pikepdf (objects in Flate object streams, as modern writers store them) or,
where pikepdf cannot write the trick, by hand and then read back with pikepdf to prove the trick works.
Each check runs the real inspector in its child process. No database.
"""

import io
import logging
import zlib

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pikepdf import Array, Dictionary, Name, String

from companies import pdfs
from companies.uploads import CleanPdf, clean_pdf, clean_upload

from .pdf_builders import (
    OBJECT_STREAM_FILTERS,
    action,
    ascii_hex,
    link_annotation,
    lzw_bomb,
    object_stream_pdf,
    pikepdf_bytes,
    with_garbage_after_the_header,
)
from .test_uploads import pdf_bytes


def upload(data: bytes, name: str = "portfolio.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def refused(data: bytes, code: str) -> str:
    with pytest.raises(ValidationError) as caught:
        clean_upload(upload(data))
    assert caught.value.code == code, caught.value.messages
    return caught.value.messages[0]


def refused_for(data: bytes, what: str) -> None:
    message = refused(data, "pdf_active_content")
    assert f"This PDF contains {what}, which is not accepted." in message


def accepted(data: bytes) -> CleanPdf:
    result = clean_upload(upload(data))
    assert isinstance(result, CleanPdf)
    assert result.content == data  # stored as uploaded
    assert result.pages == 1
    return result


JAVASCRIPT_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"


# --- Accepted -----------------------------------------------------------------------------------


def test_an_ordinary_pdf_written_by_pikepdf_is_accepted_with_and_without_object_streams():
    accepted(pikepdf_bytes())
    accepted(pikepdf_bytes(object_streams=False))


def test_opening_on_a_page_fit_to_the_window_is_not_an_active_open_action():
    # What LaTeX (hyperref) and office suites write: a destination, or a GoTo action to one.
    accepted(pikepdf_bytes(lambda pdf: setattr(pdf.Root, "OpenAction", Array([pdf.pages[0].obj, Name.Fit]))))
    accepted(
        pikepdf_bytes(
            lambda pdf: setattr(pdf.Root, "OpenAction", action(pdf, "GoTo", D=Array([pdf.pages[0].obj, Name.Fit])))
        )
    )


@pytest.mark.parametrize("uri", ["https://studio.example/work", "http://studio.example", "mailto:hi@studio.example"])
def test_a_clickable_link_annotation_to_a_web_page_is_accepted_as_a_normal_portfolio_link(uri):
    accepted(pikepdf_bytes(lambda pdf: link_annotation(pdf, action(pdf, "URI", URI=String(uri)))))


def test_a_link_written_without_a_scheme_is_accepted_as_a_web_address():
    accepted(pikepdf_bytes(lambda pdf: link_annotation(pdf, action(pdf, "URI", URI=String("www.studio.example")))))


def test_a_pdf_restricted_only_against_printing_or_copying_is_checked_and_accepted():
    # Encrypted with an empty user password: qpdf decrypts it, so the walk sees everything.
    encryption = pikepdf.Encryption(owner="owner-secret", user="", allow=pikepdf.Permissions(extract=False))
    accepted(pikepdf_bytes(encryption=encryption))


def test_an_empty_additional_actions_dictionary_does_nothing_and_is_accepted():
    accepted(pikepdf_bytes(lambda pdf: setattr(pdf.pages[0].obj, "AA", Dictionary())))


# --- Refused: one test per action or feature ------------------------------------------------------


@pytest.mark.parametrize("filter_name", sorted(OBJECT_STREAM_FILTERS))
def test_javascript_inside_an_object_stream_is_found_whatever_its_filter(filter_name):
    data = object_stream_pdf(JAVASCRIPT_ACTION, filter_name=filter_name, catalog_extra=b"/OpenAction 5 0 R")
    if filter_name != "RunLengthDecode":  # run-length literals leave the bytes readable
        assert b"JavaScript" not in data  # invisible to a scan of the bytes
    refused_for(data, "JavaScript")


def test_javascript_in_an_object_stream_nothing_points_to_is_still_found():
    # Unreferenced objects are walked too: the xref table, not the document tree, decides what is looked at.
    refused_for(object_stream_pdf(JAVASCRIPT_ACTION, filter_name="LZWDecode"), "JavaScript")


def test_document_level_javascript_in_the_names_tree_is_refused():
    def change(pdf):
        script = action(pdf, "JavaScript", JS=String("app.alert(1)"))
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), script])))

    refused_for(pikepdf_bytes(change), "JavaScript")


def test_a_js_entry_holding_a_stream_with_a_non_flate_filter_is_refused():
    def change(pdf):
        script = pikepdf.Stream(pdf, b"")
        script.write(ascii_hex(b"app.launchURL('https://evil.example')"), filter=Name.ASCIIHexDecode)
        link_annotation(pdf, pdf.make_indirect(Dictionary(JS=pdf.make_indirect(script))))

    data = pikepdf_bytes(change, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    refused_for(data, "JavaScript")


def test_an_open_action_that_opens_a_web_address_by_itself_is_refused():
    data = pikepdf_bytes(
        lambda pdf: setattr(pdf.Root, "OpenAction", action(pdf, "URI", URI=String("https://tracker.example/?id=1")))
    )
    refused_for(data, "a web address that opens by itself when the file is opened")


def test_an_open_action_that_submits_a_form_is_refused():
    def change(pdf):
        pdf.Root.OpenAction = action(pdf, "SubmitForm", F=Dictionary(FS=Name.URL, F=String("https://evil.example")))

    refused_for(pikepdf_bytes(change), "a form that sends what is typed in it to a web address")


def test_any_other_open_action_such_as_printing_is_refused():
    data = pikepdf_bytes(lambda pdf: setattr(pdf.Root, "OpenAction", action(pdf, "Named", N=Name.Print)))
    refused_for(data, "an action that runs by itself when the file is opened")


def test_a_goto_open_action_with_a_further_action_chained_is_refused():
    def change(pdf):
        follow_up = action(pdf, "Named", N=Name.Print)
        pdf.Root.OpenAction = action(pdf, "GoTo", D=Array([pdf.pages[0].obj, Name.Fit]), Next=follow_up)

    refused_for(pikepdf_bytes(change), "an action that runs by itself when the file is opened")


def test_additional_actions_on_a_page_are_refused_even_when_they_only_open_a_web_page():
    def change(pdf):
        pdf.pages[0].obj.AA = Dictionary(O=action(pdf, "URI", URI=String("https://tracker.example")))

    refused_for(pikepdf_bytes(change), "actions that run by themselves (when a page opens or a field is used)")


def test_a_launch_action_is_refused():
    refused_for(
        pikepdf_bytes(lambda pdf: link_annotation(pdf, action(pdf, "Launch", F=String("cmd.exe")))),
        "an action that starts another program",
    )


@pytest.mark.parametrize(
    "uri",
    ["javascript:alert(1)", "file:///C:/Windows/System32/calc.exe", "smb://evil.example/share", "data:text/html,x"],
)
def test_a_clickable_uri_link_to_anything_but_a_web_page_is_refused(uri):
    refused_for(
        pikepdf_bytes(lambda pdf: link_annotation(pdf, action(pdf, "URI", URI=String(uri)))),
        "a link to something other than a web page, an e-mail address or a phone number",
    )


def test_a_submit_form_button_is_refused():
    def change(pdf):
        button = pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Btn, T=String("send"), Rect=Array([0, 0, 9, 9]))
        )
        button.A = action(pdf, "SubmitForm", F=Dictionary(FS=Name.URL, F=String("https://evil.example/collect")))
        pdf.pages[0].Annots = pdf.make_indirect(Array([button]))
        pdf.Root.AcroForm = Dictionary(Fields=Array([button]))

    refused_for(pikepdf_bytes(change), "a form that sends what is typed in it to a web address")


def test_an_import_data_action_is_refused():
    refused_for(
        pikepdf_bytes(lambda pdf: link_annotation(pdf, action(pdf, "ImportData", F=String("data.fdf")))),
        "an action that loads data from another file",
    )


def test_a_goto_remote_action_is_refused():
    refused_for(
        pikepdf_bytes(
            lambda pdf: link_annotation(pdf, action(pdf, "GoToR", F=String("\\\\evil\\share\\x.pdf"), D=Array([0])))
        ),
        "a link that opens another file",
    )


def test_a_goto_embedded_action_is_refused():
    refused_for(
        pikepdf_bytes(
            lambda pdf: link_annotation(pdf, action(pdf, "GoToE", T=Dictionary(R=Name.C, N=String("inner.pdf"))))
        ),
        "a link into an embedded file",
    )


def test_an_embedded_file_is_refused():
    def change(pdf):
        pdf.attachments["invoice.pdf.exe"] = b"MZ\x90\x00"

    refused_for(pikepdf_bytes(change), "embedded files")


def test_an_embedded_file_stream_on_its_own_is_refused():
    def change(pdf):
        embedded = pikepdf.Stream(pdf, b"MZ\x90\x00")
        embedded.Type = Name.EmbeddedFile
        pdf.Root.Orphan = pdf.make_indirect(embedded)

    refused_for(pikepdf_bytes(change), "embedded files")


def test_rich_media_is_refused():
    def change(pdf):
        media = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([0, 0, 9, 9])))
        pdf.pages[0].Annots = pdf.make_indirect(Array([media]))

    refused_for(pikepdf_bytes(change), "embedded media (video, sound or 3D)")


def test_an_xfa_form_is_refused():
    def change(pdf):
        template = pdf.make_indirect(pikepdf.Stream(pdf, b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>"))
        pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=template)

    refused_for(pikepdf_bytes(change), "an XFA form")


def test_the_refusal_names_what_is_active_in_dutch_too():
    data = pikepdf_bytes(lambda pdf: link_annotation(pdf, action(pdf, "Launch", F=String("cmd.exe"))))
    with translation.override("nl"):
        with pytest.raises(ValidationError) as caught:
            clean_pdf(upload(data))
        assert caught.value.messages[0].startswith("Deze pdf bevat een actie die een ander programma start,")


# --- Not a PDF, damaged, password, limits ---------------------------------------------------------


def test_a_pdf_header_followed_by_html_is_refused():
    html = b"<html><body><script>alert(document.cookie)</script></body></html>\n"
    assert "not a PDF" in refused(b"%PDF-1.7\n" + html + b"%%EOF\n", "not_a_pdf")
    # Even inside an otherwise valid PDF whose cross-reference table accounts for it.
    polyglot = with_garbage_after_the_header(pdf_bytes(), html)
    with pikepdf.open(io.BytesIO(polyglot), attempt_recovery=False) as pdf:
        assert len(pdf.pages) == 1  # a real PDF to qpdf
    assert "not a PDF" in refused(polyglot, "not_a_pdf")


def test_a_comment_line_after_the_header_is_fine():
    accepted(with_garbage_after_the_header(pdf_bytes(), b"%created by hand\n\n"))


def test_a_pdf_that_needs_a_password_is_refused():
    data = pikepdf_bytes(encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret"))
    assert "password-protected" in refused(data, "pdf_encrypted")


def test_a_broken_cross_reference_table_is_refused_as_damaged_not_guessed_at():
    data = pdf_bytes()
    xref = data.rindex(b"\nxref\n") + 1
    broken = data.replace(b"startxref\n%d" % xref, b"startxref\n%d" % (xref - 7))
    assert broken != data
    with pikepdf.open(io.BytesIO(broken)) as pdf:  # what a lenient reader makes of it
        assert len(pdf.pages) == 1
    assert "damaged" in refused(broken, "corrupt")


def test_bytes_that_only_start_like_a_pdf_are_refused():
    message = refused(b"%PDF-1.7\n1 0 obj\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "not_a_pdf")
    assert message == "This file starts like a PDF but cannot be read as one. Export or save it again and re-upload it."


def test_an_object_stream_that_does_not_decode_is_refused_rather_than_read_as_empty():
    data = object_stream_pdf(b"", filter_name="FlateDecode", encoded=b"this is not flate data")
    assert "damaged" in refused(data, "corrupt")


def test_too_many_objects_is_refused_before_the_walk(monkeypatch):
    def many(pdf):
        pdf.Root.Extra = Array([pdf.make_indirect(Dictionary(N=number)) for number in range(300)])

    data = pikepdf_bytes(many)
    accepted(data)
    monkeypatch.setattr(pdfs, "PDF_MAX_OBJECTS", 200)
    assert "too complex" in refused(data, "pdf_too_complex")


def test_too_many_nested_items_is_refused(monkeypatch):
    data = pikepdf_bytes(lambda pdf: setattr(pdf.Root, "Extra", Array([Array([n, n]) for n in range(500)])))
    monkeypatch.setattr(pdfs, "PDF_MAX_ITEMS", 300)
    refused(data, "pdf_too_complex")


def test_the_walk_stops_at_its_time_limit(monkeypatch):
    monkeypatch.setattr(pdfs, "PDF_WALK_SECONDS", 0)
    refused(pikepdf_bytes(), "pdf_too_complex")


def test_the_child_is_killed_at_the_hard_time_limit(monkeypatch):
    monkeypatch.setattr(pdfs, "PDF_CHECK_SECONDS", 0.001)  # less than the interpreter needs to start
    refused(pikepdf_bytes(), "pdf_too_complex")


def test_a_flate_bomb_in_an_object_stream_hits_the_decoder_limit():
    bomb = zlib.compress(b"5 0 " + b" " * (100 * 1024 * 1024), 9)  # 100 KB that inflate to 100 MB
    data = object_stream_pdf(b"", filter_name="FlateDecode", encoded=bomb)
    assert len(data) < 200_000
    refused(data, "pdf_too_complex")


def test_an_lzw_bomb_in_an_object_stream_hits_the_memory_limit(monkeypatch):
    # qpdf has no memory limit for LZW: the child's address-space limit stops it.
    monkeypatch.setattr(pdfs, "PDF_CHECK_MEMORY_BYTES", 400 * 1024 * 1024)
    data = object_stream_pdf(b"", filter_name="LZWDecode", encoded=lzw_bomb(cycles=60))  # 300 KB -> 440 MB
    refused(data, "pdf_too_complex")


def test_an_inspector_that_crashes_means_refused(monkeypatch, tmp_path, caplog):
    crashing = tmp_path / "crash.py"
    crashing.write_text("import os\nos.abort()\n")
    monkeypatch.setattr(pdfs, "INSPECTOR", crashing)
    # A warning: the level is the logger's own here, as an in-process Celery worker earlier in
    # the same test process leaves the root logger at ERROR.
    with caplog.at_level(logging.WARNING, logger="companies.pdfs"):
        refused(pikepdf_bytes(), "pdf_too_complex")
    assert "The PDF inspector failed" in caplog.text


def test_an_inspector_that_cannot_start_means_try_again_and_is_logged(monkeypatch, caplog):
    monkeypatch.setattr(pdfs.sys, "executable", "/nonexistent/python")
    assert "Try again in a moment" in refused(pikepdf_bytes(), "pdf_unchecked")
    assert "could not be started" in caplog.text
