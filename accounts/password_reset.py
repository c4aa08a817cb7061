"""Asking for a password reset, counted per address *and* client: the way back in always works.

allauth counts reset requests per address alone ("5/m/key"), so whoever sends five for the owner's
address in a minute would keep the owner from resetting. Counted with the client, those five only
stop the sender; the per-client limit ("20/m/ip") still bounds how many e-mails one client sends.
"""

from allauth.account.views import PasswordResetView as AllauthPasswordResetView
from allauth.core import ratelimit
from django.views.generic.edit import FormView

from .adapter import login_attempts_key


class PasswordResetView(AllauthPasswordResetView):
    def form_valid(self, form):
        refused = ratelimit.consume_or_429(
            self.request, action="reset_password", key=login_attempts_key(self.request, form.cleaned_data["email"])
        )
        if refused:
            return refused
        form.save(self.request)
        # allauth's own form_valid would count the request again, per address alone.
        return FormView.form_valid(self, form)


password_reset = PasswordResetView.as_view()
