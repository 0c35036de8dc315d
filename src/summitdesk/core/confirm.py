"""The confirmation step of every back-office action that loses or revokes something.

The view calls `unless_confirmed` first: a post without the `confirmed` field gets a page
that names the object and the consequence and posts the same fields again with it, so the
step works without JavaScript and nothing changes until the second post."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"
#: Fields the confirmation page must not copy: Django writes a fresh token itself.
NOT_REPLAYED = frozenset({"csrfmiddlewaretoken", CONFIRMED})


def unless_confirmed(
    request: HttpRequest, *, question: str, consequence: str, action: str, back: str
) -> HttpResponse | None:
    """None once the post is confirmed; otherwise the confirmation page to return.

    `question` names the object ("Remove Ana Silva as Focal point?"), `consequence` says
    what follows, `action` is the button's label and `back` the page to return to."""
    if request.POST.get(CONFIRMED) == "yes":
        return None
    replay = [
        (name, value)
        for name in request.POST
        if name not in NOT_REPLAYED
        for value in request.POST.getlist(name)
    ]
    context = {
        "question": question,
        "consequence": consequence,
        "action": action,
        "back": back,
        "replay": replay,
    }
    return render(request, "backoffice/confirm.html", context)
