"""The public pages: no sign-in, each rate limited per address (lib.public_pages)."""
