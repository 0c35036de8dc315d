"""API tokens for administrators: list, create (the token is shown once), revoke."""

import datetime

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from summitdesk.api import tokens
from summitdesk.api.models import ApiScope, ApiToken
from summitdesk.core.access import staff_actor, staff_view
from summitdesk.core.confirm import unless_confirmed
from summitdesk.core.permissions import Permission


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Which system uses it, e.g. Registration kiosk."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=[(scope.value, f"{scope.value}: {scope.label}") for scope in ApiScope],
        widget=forms.CheckboxSelectMultiple,
    )
    expires = forms.DateField(
        label=gettext_lazy("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Empty: valid until revoked. The token stops working that day."),
    )

    def expires_at(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("expires")
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@staff_view(Permission.API_TOKENS_MANAGE)
def api_token_list(request: HttpRequest) -> HttpResponse:
    api_tokens = ApiToken.objects.select_related("created_by").order_by("revoked_at", "name")
    return render(request, "backoffice/api_token_list.html", {"api_tokens": api_tokens})


@staff_view(Permission.API_TOKENS_MANAGE)
@never_cache
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = tokens.create_token(
                form.cleaned_data["name"],
                form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                actor=staff_actor(request),
            )
        except tokens.TokenError as refused:
            field = refused.field if refused.field in form.fields else None
            if refused.field == "expires_at":
                field = "expires"
            form.add_error(field, str(refused))
        else:
            # Shown in this response only: it is stored nowhere, not even in the session.
            context = {"api_token": created.token, "plaintext": created.plaintext}
            return render(request, "backoffice/api_token_created.html", context)
    return render(request, "backoffice/api_token_form.html", {"form": form})


@staff_view(Permission.API_TOKENS_MANAGE)
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    api_token = get_object_or_404(ApiToken, pk=pk)
    confirmation = unless_confirmed(
        request,
        question=_("Revoke the API token %(name)s?") % {"name": api_token.name},
        consequence=_("Every system that uses it is refused from now on; it cannot be restored."),
        action=_("Revoke the token"),
        back=reverse("backoffice:api-token-list"),
    )
    if confirmation is not None:
        return confirmation
    if tokens.revoke_token(api_token, actor=staff_actor(request)):
        messages.success(
            request, _("%(name)s is revoked: it no longer works.") % {"name": api_token.name}
        )
    else:
        messages.info(request, _("%(name)s was already revoked.") % {"name": api_token.name})
    return redirect("backoffice:api-token-list")
