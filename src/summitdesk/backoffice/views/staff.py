from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from summitdesk.backoffice.forms import NewStaffForm, StaffForm
from summitdesk.core import audit, second_factor
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.models import User
from summitdesk.core.permissions import Permission
from summitdesk.core.services import STAFF_FIELDS, save_staff


@staff_view(Permission.STAFF_MANAGE)
def staff_list(request: HttpRequest) -> HttpResponse:
    staff = User.objects.order_by("username")
    return render(request, "backoffice/staff_list.html", {"staff": staff})


def _edit(request: HttpRequest, user: User, form_class: type[StaffForm]) -> HttpResponse:
    before = audit.snapshot(user, STAFF_FIELDS) if user.pk else {}
    form = form_class(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        save_staff(form.save(commit=False), before=before, actor=staff_actor(request))
        messages.success(request, _("Saved."))
        return redirect("backoffice:staff-list")
    return render(request, "backoffice/staff_form.html", {"form": form, "member": user})


@staff_view(Permission.STAFF_MANAGE)
def staff_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, User(), NewStaffForm)


@staff_view(Permission.STAFF_MANAGE)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_object_or_404(User, pk=pk), StaffForm)


@staff_view(Permission.STAFF_MANAGE)
@require_POST
def staff_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(User, pk=pk)
    confirmation = unless_confirmed(
        request,
        question=_("Reset the authenticator app of %(name)s?") % {"name": member},
        consequence=_(
            "Their current app and recovery codes stop working; they set up a new app at "
            "their next sign-in."
        ),
        action=_("Reset the authenticator app"),
        back=reverse("backoffice:staff-edit", args=[pk]),
    )
    if confirmation is not None:
        return confirmation
    second_factor.reset(member, actor=staff_actor(request))
    messages.success(
        request, _("%(name)s will set up a new authenticator at next sign-in.") % {"name": member}
    )
    return redirect("backoffice:staff-edit", pk=pk)
