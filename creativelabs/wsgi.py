import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creativelabs.settings")
application = get_wsgi_application()

# Only the web server loads this module: its database sessions, and no one else's, get the timeout.
from creativelabs.statement_timeout import serve_web_requests  # noqa: E402

serve_web_requests()
