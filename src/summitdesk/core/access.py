"""Who may do what in the back office: every staff view is wrapped by `staff_view`."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from summitdesk.core.audit import Actor
from summitdesk.core.enums import Role
from summitdesk.core.models import User

View = Callable[..., HttpResponse]

#: Roles allowed to change the directory and meetings.
EDITORS = (Role.REGISTRATION_OFFICER,)


def staff_view(*roles: Role) -> Callable[[View], View]:
    """Require a signed-in, active staff member; with `roles`, one of them (or administrator).

    Without roles, every staff role may read.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active or (roles and not user.has_role(*roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_actor(request: HttpRequest) -> Actor:
    """The signed-in staff member, as the actor of the change the request makes."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return Actor.staff(user)
