"""Generic helpers for the emails the apps compose (each in its own `emails` module)."""


def tidy(text: str) -> str:
    """Template output as plain text: no trailing spaces, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidied: list[str] = []
    for line in lines:
        if line or (tidied and tidied[-1]):
            tidied.append(line)
    return "\n".join(tidied) + "\n"
