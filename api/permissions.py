"""What each role may do through the API: the same Django permissions as in the admin
(registrations.permissions gives them to the organisers, viewers and check-in staff groups), so a
token can never do more than its user could by hand.

A view names the permissions each method needs in `required_permissions`, for example
    required_permissions = {"GET": ["registrations.view_registration"]}
A method it does not name needs no permission beyond being signed in.
"""

from rest_framework.permissions import BasePermission


class RolePermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        needed = getattr(view, "required_permissions", {}).get(request.method)
        if needed is None and request.method == "HEAD":
            needed = getattr(view, "required_permissions", {}).get("GET")
        if not needed:
            return bool(request.user and request.user.is_authenticated)
        return bool(
            request.user and request.user.is_authenticated and request.user.has_perms(needed)
        )
