"""What a web server's process holds once started lives as long as the process."""

import gc


def settle() -> None:
    """Collect what is garbage already, then move everything the process holds out of the
    garbage collector's reach (`gc.freeze`): otherwise every full collection walks the
    whole start-up heap again (Django, the application, the catalogues), and the request
    that set it off waits for it."""
    gc.collect()
    gc.freeze()
