"""Validators shared by the apps' models and forms."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .requests import CONTROL_CHARACTERS


@deconstructible
class SingleLineValidator:
    """One line of text: names and titles end up in e-mail subjects and headers, where a line break is an
    injection and makes the message fail."""

    message = _("Keep this on one line: no line breaks or other control characters.")
    code = "single_line"

    def __call__(self, value) -> None:
        if value and CONTROL_CHARACTERS.search(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLineValidator)


single_line = SingleLineValidator()
