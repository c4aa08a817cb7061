"""Portfolio items and their files: add, edit, reorder, delete; who may see and fetch what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from companies.models import PortfolioFile, PortfolioItem
from companies.services import portfolio_file_add, portfolio_item_create
from tests.factories import stored_files

from .conftest import pdf_upload, png_upload

pytestmark = pytest.mark.django_db


def item_data(**overrides):
    data = {"title": "Safe Cycling Quest", "description": "A game about cycling safely.", "visibility": "public"}
    data.update(overrides)
    return data


@pytest.fixture
def item(company, django_capture_on_commit_callbacks):
    return portfolio_item_create(company=company, data=item_data())


def add(item, upload, capture):
    with capture(execute=True):
        return portfolio_file_add(item=item, upload=upload)


def test_member_adds_an_item_then_files(login, sme_colleague, company, _media_in_tmp):
    client = login(sme_colleague)
    response = client.post("/company/portfolio/new/", item_data(year="2024", country="DE", client="City of Utrecht"))
    item = PortfolioItem.objects.get(company=company)
    assert response["Location"] == f"/company/portfolio/{item.pk}/"
    for upload in (png_upload("one.png"), png_upload("two.png", color=(0, 0, 0)), pdf_upload()):
        assert client.post(f"/company/portfolio/{item.pk}/files/", {"upload": upload}).status_code == 302
    files = list(item.files.all())
    assert [f.kind for f in files] == ["image", "image", "pdf"]
    assert files[0].is_cover and not files[1].is_cover
    assert len(stored_files(_media_in_tmp)) == 5  # two images with thumbnails, one PDF
    assert all("one" not in name and "brochure" not in name for name in stored_files(_media_in_tmp))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 500), "not a PDF"),
        (SimpleUploadedFile("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "SVG"),
        (SimpleUploadedFile("x.png", png_upload().read() + b"<html><script>alert(1)</script></html>"), "after"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_stored(
    login, sme_owner, item, _media_in_tmp, upload, message
):
    response = login(sme_owner).post(f"/company/portfolio/{item.pk}/files/", {"upload": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not item.files.exists()
    assert stored_files(_media_in_tmp) == []


def test_at_most_six_images_and_two_pdfs(item, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    for number in range(6):
        add(item, png_upload(f"{number}.png"), django_capture_on_commit_callbacks)
    for _ in range(2):
        add(item, pdf_upload(), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        add(item, png_upload("seventh.png"), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        add(item, pdf_upload(), django_capture_on_commit_callbacks)


def test_quota(item, settings, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    settings.COMPANY_STORAGE_QUOTA_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        add(item, png_upload(size=(400, 400)), django_capture_on_commit_callbacks)
    assert refused.value.code == "quota_exceeded"


def test_reorder_items_with_and_without_htmx(login, sme_owner, company):
    first = portfolio_item_create(company=company, data=item_data(title="First"))
    second = portfolio_item_create(company=company, data=item_data(title="Second"))
    client = login(sme_owner)
    assert client.post(f"/company/portfolio/{second.pk}/move/", {"direction": "up"}).status_code == 302
    assert list(company.portfolio.values_list("title", flat=True)) == ["Second", "First"]
    response = client.post(f"/company/portfolio/{second.pk}/move/", {"direction": "down"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<ol" in response.content.decode() and "<html" not in response.content.decode()
    assert list(company.portfolio.values_list("title", flat=True)) == ["First", "Second"]
    assert first.pk != second.pk


def test_cover_and_file_order(login, sme_owner, item, django_capture_on_commit_callbacks):
    one = add(item, png_upload("one.png"), django_capture_on_commit_callbacks)
    two = add(item, png_upload("two.png"), django_capture_on_commit_callbacks)
    client = login(sme_owner)
    client.post(f"/company/files/{two.pk}/cover/")
    assert list(item.files.filter(is_cover=True)) == [two]
    client.post(f"/company/files/{two.pk}/move/", {"direction": "up"})
    assert list(item.files.values_list("pk", flat=True)) == [two.pk, one.pk]


def test_deleting_an_item_removes_its_files(login, sme_owner, item, _media_in_tmp, django_capture_on_commit_callbacks):
    add(item, png_upload(), django_capture_on_commit_callbacks)
    add(item, pdf_upload(), django_capture_on_commit_callbacks)
    assert stored_files(_media_in_tmp)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(sme_owner).post(f"/company/portfolio/{item.pk}/delete/")
    assert response.status_code == 302
    assert not PortfolioItem.objects.exists()
    assert stored_files(_media_in_tmp) == []


def test_deleting_a_cover_promotes_the_next_image(login, sme_owner, item, django_capture_on_commit_callbacks):
    cover = add(item, png_upload("one.png"), django_capture_on_commit_callbacks)
    other = add(item, png_upload("two.png"), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        login(sme_owner).post(f"/company/files/{cover.pk}/delete/")
    other.refresh_from_db()
    assert other.is_cover


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/company/portfolio/{item}/"),
        ("post", "/company/portfolio/{item}/"),
        ("get", "/company/portfolio/{item}/delete/"),
        ("post", "/company/portfolio/{item}/delete/"),
        ("post", "/company/portfolio/{item}/move/"),
        ("post", "/company/portfolio/{item}/files/"),
        ("post", "/company/files/{file}/delete/"),
        ("post", "/company/files/{file}/cover/"),
        ("post", "/company/files/{file}/move/"),
    ],
)
def test_outsider_gets_404_on_another_companys_portfolio(
    login, outsider_sme, item, django_capture_on_commit_callbacks, method, path
):
    stored = add(item, png_upload(), django_capture_on_commit_callbacks)
    client = login(outsider_sme)
    response = getattr(client, method)(path.format(item=item.pk, file=stored.pk), item_data(title="Hijacked"))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.title == "Safe Cycling Quest"
    assert PortfolioFile.objects.filter(pk=stored.pk).exists()


@pytest.mark.parametrize("who", ["developer_a", "embassy_de", "plain_user"])
def test_portfolio_editing_is_for_members(client, request, item, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/company/portfolio/{item.pk}/").status_code == 403
    assert client.get("/company/portfolio/new/").status_code == 403


@pytest.mark.parametrize(
    ("visibility", "visitor", "outsider", "developer", "member"),
    [("public", 200, 200, 200, 200), ("lab", 404, 404, 200, 200), ("private", 404, 404, 404, 200)],
)
def test_file_downloads_follow_item_visibility(
    client,
    login,
    company,
    sme_colleague,
    outsider_sme,
    developer_a,
    django_capture_on_commit_callbacks,
    visibility,
    visitor,
    outsider,
    developer,
    member,
):
    item = portfolio_item_create(company=company, data=item_data(visibility=visibility))
    image = add(item, png_upload(), django_capture_on_commit_callbacks)
    pdf = add(item, pdf_upload("Our brochure.pdf"), django_capture_on_commit_callbacks)
    for user, expected in (
        (None, visitor),
        (outsider_sme, outsider),
        (developer_a, developer),
        (sme_colleague, member),
    ):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        assert client.get(f"/files/{image.pk}/").status_code == expected
        assert client.get(f"/files/{image.pk}/thumbnail/").status_code == expected
        response = client.get(f"/files/{pdf.pk}/")
        assert response.status_code == expected
        if expected == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Content-Type"] == "application/pdf"
            assert "sandbox" in response["Content-Security-Policy"]
        page = client.get(f"/companies/{company.slug}/").content.decode()
        assert ("Safe Cycling Quest" in page) == (expected == 200)


def test_text_is_stored_as_typed_and_shown_escaped(login, client, sme_owner, company):
    hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    login(sme_owner).post("/company/portfolio/new/", item_data(title=hostile, description=hostile))
    assert PortfolioItem.objects.get().title == hostile
    for path in (f"/companies/{company.slug}/", "/company/", f"/company/portfolio/{PortfolioItem.objects.get().pk}/"):
        page = client.get(path).content.decode()
        assert "<script>alert(2)</script>" not in page
        assert "<img src=x onerror" not in page
