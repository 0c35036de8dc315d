"""The List of Participants: who came to a meeting, as the secretariat publishes it.

`listing` reads the list (who is listed, in which order, page by page), `document` prints it
(the Typst PDF), `editions` publishes it (editions prepared by a task, the public page).
"""
