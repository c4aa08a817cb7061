"""E-mail from templates: `templates/emails/<name>_subject.txt`, `_body.txt` and `_body.html`."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape


@dataclass(frozen=True)
class Unsubscribe:
    """A one-click unsubscribe for one person and one kind of e-mail: the signed link and what it stops."""

    url: str
    label: str


def send_templated_mail(
    name: str, *, to: list[str], context: dict, language: str | None = None, unsubscribe: Unsubscribe | None = None
) -> None:
    """Render the three parts of e-mail `name` in `language` and send them as one message.

    `unsubscribe` gives the message a one-click unsubscribe for that kind of e-mail: the link in both
    parts (as `unsubscribe_url` for the template; added at the end when the template does not show it)
    and the List-Unsubscribe and List-Unsubscribe-Post headers of RFC 8058. Send such a message to
    that one person only.
    """
    context = {"site_url": settings.SITE_URL, **context}
    headers = {}
    if unsubscribe is not None:
        url = unsubscribe.url
        context.update(unsubscribe_url=url, unsubscribe_label=unsubscribe.label)
        headers = {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    with translation.override(language or settings.LANGUAGE_CODE):
        # One line, whatever the names in it hold: a header is never built from a line break.
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}_body.txt", context)
        html = render_to_string(f"emails/{name}_body.html", context)
        if unsubscribe is not None:
            text, html = _with_unsubscribe_footer(text, html, context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


def _with_unsubscribe_footer(text: str, html: str, context: dict) -> tuple[str, str]:
    """Add the unsubscribe footer to the parts whose template does not include it already."""
    url = context["unsubscribe_url"]
    if url not in text:
        text = text.rstrip("\n") + "\n\n" + render_to_string("emails/_unsubscribe.txt", context)
    if escape(url) not in html:
        footer = render_to_string("emails/_unsubscribe.html", context)
        position = html.rfind("</body>")
        html = html[:position] + footer + html[position:] if position >= 0 else html + footer
    return text, html


def send_invitation_once(model, invitation_id: int, *, template: str, related: tuple[str, ...], accept_url) -> bool:
    """E-mail an invitation's link (`accept_url(invitation)`), once per time it is asked for.

    The row is claimed (`emailed_at`) before sending, so a redelivered or repeated task sends nothing
    twice; a failed send gives the claim back for the retry (or the outbox, when retries run out).
    """
    rows = model.objects.filter(pk=invitation_id)
    if not rows.filter(accepted_at=None, emailed_at=None).update(emailed_at=timezone.now()):
        return False  # sent already, accepted meanwhile, or withdrawn
    invitation = rows.select_related(*related).get()
    try:
        send_templated_mail(
            template, to=[invitation.email], context={"invitation": invitation, "accept_url": accept_url(invitation)}
        )
    except Exception:
        rows.update(emailed_at=None)  # not sent: to be retried
        raise
    return True
