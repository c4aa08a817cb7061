"""The opportunities app's URLs: one namespace, each sub-package bringing its own patterns.

Notifications have a namespace of their own (`opportunities/notifications/urls.py`, included at the top).
"""

from .deals import urls as deals
from .interests import urls as interests
from .workflow import urls as workflow

app_name = "opportunities"

urlpatterns = [*workflow.urlpatterns, *interests.urlpatterns, *deals.urlpatterns]
