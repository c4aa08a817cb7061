"""The admin base for tracked models: each object's history under "History", and no restoring of old versions.

Restoring a version would save it around the services (no recompute queued, no workflow checks), so the
history's version pages only show; `SIMPLE_HISTORY_REVERT_DISABLED` hides their button, this refuses the POST.
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
