"""Writes for companies/: registration, profile, team, portfolio and its files, deletion."""

import contextlib
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import forget_roles
from creativelabs.celery import enqueue_on_commit
from creativelabs.tokens import LinkError, make_link_token, read_link_token

from .models import Company, CompanyInvitation, Membership, PortfolioFile, PortfolioItem
from .search import refresh_search_vectors
from .uploads import CleanImage, check_quota, clean_image, clean_upload, generated_name

_TEAM_INVITATION_SALT = "companies.team-invitation"


class CompanyError(Exception):
    """A company action that can't be done; the message is for the person who tried."""


# --- Company ----------------------------------------------------------------------


def _matching_changed(company_id: int) -> None:
    """Queue a recompute of this company's match suggestions, after the change commits."""
    from opportunities.suggestions.queue import mark_company_dirty

    mark_company_dirty(company_id)


def _search_text_changed(company_id: int) -> None:
    """Store the directory's search vector of this company again, in the same transaction."""
    refresh_search_vectors([company_id])


def _unique_slug(name: str) -> str:
    base = slugify(name)[:150] or "company"
    slug, number = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _store_logo(company: Company, upload) -> None:
    image = clean_image(upload)
    _check_quota(company, extra_bytes=len(image.content))
    old = company.logo.name
    company.logo.save(generated_name(image.extension), ContentFile(image.content), save=False)
    if old:
        _delete_files_on_commit([old])


@transaction.atomic
def company_register(*, user: User, data: dict, logo=None) -> Company:
    """Create a company with `user` as its owner. `data` holds the form's cleaned fields."""
    if Membership.objects.select_for_update().filter(user=user).exists():
        raise CompanyError(_("You already belong to a company."))
    disciplines, themes = data.pop("disciplines"), data.pop("themes", [])
    company = Company(slug=_unique_slug(data["name"]), **data)
    if logo:
        _store_logo(company, logo)
    company.save()
    company.disciplines.set(disciplines)
    company.themes.set(themes)
    Membership.objects.create(user=user, company=company, role=Membership.Role.OWNER)
    forget_roles(user)
    _search_text_changed(company.pk)
    _matching_changed(company.pk)
    return company


@transaction.atomic
def company_update(*, company: Company, data: dict, logo=None, remove_logo: bool = False) -> Company:
    disciplines, themes = data.pop("disciplines"), data.pop("themes", [])
    for field, value in data.items():
        setattr(company, field, value)
    if remove_logo and company.logo:
        _delete_files_on_commit([company.logo.name])
        company.logo = ""
    if logo:
        _store_logo(company, logo)
    company.save()
    company.disciplines.set(disciplines)
    company.themes.set(themes)
    _search_text_changed(company.pk)
    _matching_changed(company.pk)
    return company


@transaction.atomic
def company_delete(*, company: Company) -> None:
    """Delete the company, its portfolio and every stored file (once the delete commits)."""
    _delete_files_on_commit(_company_file_names(company))
    company.delete()


def _company_file_names(company: Company) -> list[str]:
    names = [company.logo.name] if company.logo else []
    for file, thumbnail in PortfolioFile.objects.filter(item__company=company).values_list("file", "thumbnail"):
        names += [name for name in (file, thumbnail) if name]
    return names


def _delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def company_storage_used(company: Company) -> int:
    used = PortfolioFile.objects.filter(item__company=company).aggregate(total=Sum("size_bytes"))["total"] or 0
    if company.pk and company.logo:
        with contextlib.suppress(OSError):  # a logo missing from storage takes no space
            used += company.logo.size
    return used


def _check_quota(company: Company, *, extra_bytes: int) -> None:
    used = company_storage_used(company) if company.pk else 0
    check_quota(used, extra_bytes, quota=settings.COMPANY_STORAGE_QUOTA_BYTES)


# --- Team -----------------------------------------------------------------------------


@transaction.atomic
def membership_transfer_ownership(*, company: Company, owner: User, to: Membership) -> None:
    """The owner hands the company to a colleague and stays on as a member."""
    current = Membership.objects.select_for_update().get(user=owner, company=company, role=Membership.Role.OWNER)
    if to.company_id != company.pk or to.pk == current.pk:
        raise CompanyError(_("Choose a colleague of your company."))
    Membership.objects.filter(pk=to.pk).update(role=Membership.Role.OWNER)
    Membership.objects.filter(pk=current.pk).update(role=Membership.Role.MEMBER)
    forget_roles(owner)


@transaction.atomic
def membership_remove(*, company: Company, membership: Membership) -> None:
    if membership.company_id != company.pk:
        raise CompanyError(_("Choose a colleague of your company."))
    if membership.role == Membership.Role.OWNER:
        raise CompanyError(_("An owner can't be removed. Transfer the ownership first."))
    membership.delete()


def team_invitation_token(invitation: CompanyInvitation) -> str:
    return make_link_token(salt=_TEAM_INVITATION_SALT, pk=invitation.pk, binding=invitation.email)


def team_invitation_url(invitation: CompanyInvitation) -> str:
    path = reverse("companies:join", kwargs={"token": team_invitation_token(invitation)})
    return f"{settings.SITE_URL}{path}"


# A second click or a retried request within this time after the invitation e-mail went out sends
# nothing more; after it, inviting the same address again sends the pending invitation again.
RESEND_AFTER = datetime.timedelta(minutes=1)


@transaction.atomic
def team_invitation_create(*, company: Company, email: str, invited_by: User) -> CompanyInvitation:
    """Invite a colleague; the same address again is the same pending invitation (sent again after a minute).

    The company's row is locked, so two identical requests at once make one invitation and one e-mail.
    """
    from .tasks import send_team_invitation_email

    Company.objects.select_for_update().filter(pk=company.pk).first()
    email = email.strip().lower()
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise CompanyError(_("%(email)s is already in your team.") % {"email": email})
    invitation = company.invitations.filter(email=email, accepted_at=None).order_by("-created_at").first()
    if invitation is None:
        invitation = CompanyInvitation.objects.create(company=company, email=email, invited_by=invited_by)
    elif invitation.emailed_at is not None and invitation.emailed_at > timezone.now() - RESEND_AFTER:
        return invitation  # it just went out: this is the same request again
    else:
        # Asked for again; one still on its way is claimed by the worker before sending, so it goes out once.
        # "Sent at" is now, and the e-mail is to be sent again (the worker claims `emailed_at`).
        invitation.created_at, invitation.emailed_at = timezone.now(), None
        invitation.save(update_fields=["created_at", "emailed_at"])
    enqueue_on_commit(send_team_invitation_email, invitation.pk)
    return invitation


@transaction.atomic
def team_invitation_revoke(*, company: Company, invitation_id: int) -> bool:
    """Withdraw the company's pending invitation: its link stops working at once. False when there was none
    (accepted, or withdrawn already: the same request again)."""
    pending = CompanyInvitation.objects.select_for_update().filter(company=company, accepted_at=None)
    invitation = pending.filter(pk=invitation_id).first()
    if invitation is None:
        return False
    invitation.delete()
    return True


def team_invitation_from_token(token: str) -> CompanyInvitation:
    link = read_link_token(token, salt=_TEAM_INVITATION_SALT, max_age=settings.TEAM_INVITATION_MAX_AGE)
    invitation = CompanyInvitation.objects.select_related("company").filter(pk=link.pk).first()
    if invitation is None or not link.is_bound_to(invitation.email):
        raise LinkError(_("This invitation no longer exists. Ask your colleague for a new one."))
    if invitation.accepted_at is not None:
        raise LinkError(_("This invitation has already been used."))
    return invitation


@transaction.atomic
def team_invitation_accept(*, invitation: CompanyInvitation, user: User) -> Membership:
    invitation = CompanyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise LinkError(_("This invitation has already been used."))
    existing = Membership.objects.filter(user=user).select_related("company").first()
    if existing is not None:
        raise LinkError(
            _("You already belong to %(company)s. A person can belong to one company only.")
            % {"company": existing.company.name}
        )
    membership = Membership.objects.create(user=user, company=invitation.company, role=Membership.Role.MEMBER)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    forget_roles(user)
    return membership


# --- Portfolio ----------------------------------------------------------------------------


# The same item again within this time is the same form sent twice (a double click, a browser
# re-sending it): it is that item, not a second one.
SAME_SUBMISSION_WINDOW = datetime.timedelta(minutes=10)


@transaction.atomic
def portfolio_item_create(*, company: Company, data: dict) -> PortfolioItem:
    """A new item at the end; the same title and description again within a few minutes is the item made already.

    The company's row is locked, so two identical requests at once make one item.
    """
    Company.objects.select_for_update().filter(pk=company.pk).first()
    same = company.portfolio.filter(
        title=data.get("title", ""),
        description=data.get("description", ""),
        created_at__gte=timezone.now() - SAME_SUBMISSION_WINDOW,
    ).first()
    if same is not None:
        return same
    disciplines, themes = data.pop("disciplines", []), data.pop("themes", [])
    last = company.portfolio.aggregate(last=Max("position"))["last"]
    item = PortfolioItem.objects.create(company=company, position=0 if last is None else last + 1, **data)
    item.disciplines.set(disciplines)
    item.themes.set(themes)
    _search_text_changed(company.pk)
    _matching_changed(company.pk)
    return item


@transaction.atomic
def portfolio_item_update(*, item: PortfolioItem, data: dict) -> PortfolioItem:
    disciplines, themes = data.pop("disciplines", []), data.pop("themes", [])
    for field, value in data.items():
        setattr(item, field, value)
    item.save()
    item.disciplines.set(disciplines)
    item.themes.set(themes)
    _search_text_changed(item.company_id)
    _matching_changed(item.company_id)
    return item


@transaction.atomic
def portfolio_item_delete(*, item: PortfolioItem) -> None:
    names = [name for pair in item.files.values_list("file", "thumbnail") for name in pair if name]
    _delete_files_on_commit(names)
    _matching_changed(item.company_id)
    company_id = item.company_id
    item.delete()
    _search_text_changed(company_id)


@transaction.atomic
def portfolio_item_move(*, item: PortfolioItem, offset: int) -> None:
    """Move an item up (offset -1) or down (+1) in its company's portfolio."""
    items = list(
        PortfolioItem.objects.select_for_update().filter(company_id=item.company_id).order_by("position", "id")
    )
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        if other.position != position:
            PortfolioItem.objects.filter(pk=other.pk).update(position=position)


@transaction.atomic
def portfolio_file_add(*, item: PortfolioItem, upload) -> PortfolioFile:
    """Validate, re-encode and store an uploaded image or PDF; refuses with ValidationError."""
    item = PortfolioItem.objects.select_for_update().select_related("company").get(pk=item.pk)
    clean = clean_upload(upload)
    kind = PortfolioFile.Kind.IMAGE if isinstance(clean, CleanImage) else PortfolioFile.Kind.PDF
    count = item.files.filter(kind=kind).count()
    limit = PortfolioItem.MAX_IMAGES if kind == PortfolioFile.Kind.IMAGE else PortfolioItem.MAX_PDFS
    if count >= limit:
        raise ValidationError(
            _("A portfolio item holds at most %(images)d images and %(pdfs)d PDFs.")
            % {"images": PortfolioItem.MAX_IMAGES, "pdfs": PortfolioItem.MAX_PDFS},
            code="too_many_files",
        )
    size = clean.total_bytes
    _check_quota(item.company, extra_bytes=size)
    stored = PortfolioFile(
        item=item,
        kind=kind,
        original_name=_display_name(getattr(upload, "name", "") or ""),
        content_type=clean.content_type,
        size_bytes=size,
        position=item.files.count(),
        is_cover=kind == PortfolioFile.Kind.IMAGE and not item.files.filter(is_cover=True).exists(),
    )
    if isinstance(clean, CleanImage):
        stored.width, stored.height = clean.width, clean.height
        stored.thumbnail.save(generated_name(clean.thumbnail_extension), ContentFile(clean.thumbnail), save=False)
    stored.file.save(generated_name(clean.extension), ContentFile(clean.content), save=False)
    try:
        stored.save()
    except Exception:
        # The files were written before the row: don't leave them behind.
        _delete_now([stored.file.name, stored.thumbnail.name])
        raise
    return stored


def _delete_now(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


def _display_name(name: str, limit: int = 150) -> str:
    """What to show as the file's name: no path, no control characters, not too long, and a long name
    keeps its extension (the end of "…brochure.pdf" says more than the middle)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    if len(name) > limit:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[: limit - len(extension) - 1] + "." + extension
        else:
            name = name[:limit]
    return name or _("file")


@transaction.atomic
def portfolio_file_delete(*, file: PortfolioFile) -> None:
    item = file.item
    was_cover = file.is_cover
    _delete_files_on_commit([name for name in (file.file.name, file.thumbnail.name) if name])
    file.delete()
    if was_cover:
        first = item.files.filter(kind=PortfolioFile.Kind.IMAGE).first()
        if first:
            PortfolioFile.objects.filter(pk=first.pk).update(is_cover=True)


@transaction.atomic
def portfolio_file_set_cover(*, file: PortfolioFile) -> None:
    if file.kind != PortfolioFile.Kind.IMAGE:
        raise CompanyError(_("Only an image can be the cover."))
    PortfolioFile.objects.filter(item_id=file.item_id, is_cover=True).update(is_cover=False)
    PortfolioFile.objects.filter(pk=file.pk).update(is_cover=True)


@transaction.atomic
def portfolio_file_move(*, file: PortfolioFile, offset: int) -> None:
    files = list(PortfolioFile.objects.filter(item_id=file.item_id).order_by("position", "id"))
    index = next(i for i, other in enumerate(files) if other.pk == file.pk)
    target = index + offset
    if 0 <= target < len(files):
        files[index], files[target] = files[target], files[index]
        for position, other in enumerate(files):
            PortfolioFile.objects.filter(pk=other.pk).update(position=position)
