"""The admin base for tracked models: each object's history under "History", and no restoring of old versions.

Restoring a version would save it around the services (no recompute queued, no workflow checks), so the
history's version pages only show; `SIMPLE_HISTORY_REVERT_DISABLED` hides their button, this refuses the POST.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    # The library looks ids up as given: one that is not a valid key is a 404, not a 500.
    def _valid_or_404(self, object_id, version_id=None) -> None:
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                self.model.history.model._meta.pk.to_python(unquote(version_id))
        except (ValidationError, ValueError):
            raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        self._valid_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._valid_or_404(object_id, version_id)
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
