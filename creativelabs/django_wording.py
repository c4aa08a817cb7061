"""Django's own strings that its Dutch catalogue does not have yet (the admin's), worded by the portal.

Nothing imports this module: it only names the strings, so that `makemessages` keeps them in the
project's catalogue, which LOCALE_PATHS puts before Django's own translations.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]
