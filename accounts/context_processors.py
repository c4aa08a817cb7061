from .roles import roles_of


def roles(request) -> dict:
    """`roles` in every template, for navigation that fits the logged-in role."""
    return {"roles": roles_of(request.user)} if hasattr(request, "user") else {}
