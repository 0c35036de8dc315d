"""A process's admission policy: read by whoever reads meetings, changed by whoever
changes them (the policy is part of the process's set-up)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from summitdesk.admission import applying, policies
from summitdesk.admission.models import AdmissionPolicy
from summitdesk.backoffice.admission_policy_forms import (
    ChecklistFormSet,
    PolicyForm,
    checklist_lines,
)
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import Permission
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.meetings.models import Process


@staff_view(Permission.MEETINGS_READ)
def admission_policy(request: HttpRequest, code: str) -> HttpResponse:
    process = get_object_or_404(Process, code=code)
    policy = applying.policy_for(process)
    context = {
        "process": process,
        "policy": policy,
        "window": applying.window(policy) if policy else None,
        "checklist": applying.checklist(policy) if policy else [],
        "category_labels": [Category(each).label for each in policy.categories] if policy else [],
        "group_labels": (
            [StakeholderGroup(each).label for each in policy.stakeholder_groups] if policy else []
        ),
        "apply_url": request.build_absolute_uri(reverse("apply:apply", args=[process.code])),
        "history": (
            AuditEntry.objects.for_object(policy).select_related("actor")[:50] if policy else []
        ),
    }
    return render(request, "backoffice/admission_policy.html", context)


@staff_view(Permission.MEETINGS_CHANGE)
def admission_policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    process = get_object_or_404(Process, code=code)
    policy = applying.policy_for(process) or AdmissionPolicy(process=process)
    form = PolicyForm(request.POST or None, instance=policy, prefix="policy")
    formset = ChecklistFormSet(request.POST or None, instance=policy, prefix="lines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        policies.save_policy(
            process,
            form.data_for_services(),
            checklist_lines(formset),
            actor=staff_actor(request),
        )
        messages.success(request, _("Saved."))
        return redirect("backoffice:admission-policy", code=process.code)
    context = {"process": process, "form": form, "formset": formset}
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/admission_policy_form.html", context, status=status)
