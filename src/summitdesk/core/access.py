"""Who may do what in the back office: every staff view is wrapped by `staff_view`, which
reads the one permission table (`core.permissions.GRANTS`)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from summitdesk.core.audit import Actor
from summitdesk.core.models import User
from summitdesk.core.permissions import Permission, may

View = Callable[..., HttpResponse]


def staff_view(permission: Permission, *also: Permission) -> Callable[[View], View]:
    """Require a signed-in, active staff member whose role holds `permission` (and each of
    `also`): anyone else signed in gets 403, a visitor the sign-in page."""
    needed = (permission, *also)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            missing = [each for each in needed if not may(user, each)]
            if missing:
                # The refusal page (summitdesk/errors.py) names what the role lacks.
                raise PermissionDenied(*missing)
            return view(request, *args, **kwargs)

        wrapped.permissions = needed  # type: ignore[attr-defined]  # read by the tests
        return wrapped

    return decorator


def staff_actor(request: HttpRequest) -> Actor:
    """The signed-in staff member, as the actor of the change the request makes."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return Actor.staff(user)
