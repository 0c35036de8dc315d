"""Reading the confirmation page of a back-office action that loses or revokes something."""

import html
import re

from django.http.response import HttpResponseBase

#: The field the confirmation page adds to the second post.
CONFIRMED = {"confirmed": "yes"}


def confirmation(response: HttpResponseBase) -> tuple[str, str, str]:
    """(question, consequence, button) of the confirmation page `response` shows."""
    assert response.status_code == 200
    page = getattr(response, "content", b"").decode()
    question = re.search(r'<h1 class="question">(.*?)</h1>\s*<p>(.*?)</p>', page, re.S)
    button = re.search(r'<button type="submit" class="destructive">(.*?)</button>', page)
    assert question is not None and button is not None, "no confirmation page"
    assert '<input type="hidden" name="confirmed" value="yes">' in page
    return (
        html.unescape(question.group(1)),
        html.unescape(question.group(2)),
        html.unescape(button.group(1)),
    )
