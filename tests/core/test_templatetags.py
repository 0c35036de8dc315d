"""Template filters of the back office."""

from summitdesk.core.templatetags.summitdesk import code_spans


def test_code_spans_marks_backquoted_parts_as_code_and_escapes_everything() -> None:
    assert code_spans("Send `If-Match`; see <b>") == "Send <code>If-Match</code>; see &lt;b&gt;"
    assert code_spans("`<script>`") == "<code>&lt;script&gt;</code>"
    assert code_spans("no code") == "no code"
