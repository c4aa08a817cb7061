from .roles import roles_of


def roles(request) -> dict:
    """`roles` in every template, for navigation that fits the logged-in role."""
    return {"roles": roles_of(request.user)} if hasattr(request, "user") else {}


def unread_notifications(request) -> dict:
    """The unread count in the navigation: one small query, only for logged-in people."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from opportunities.models import Notification

    return {"unread_notifications": Notification.objects.filter(user=user, read_at=None).count()}
