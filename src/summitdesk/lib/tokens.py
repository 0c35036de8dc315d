"""Personal link tokens: 192 random bits in the link, only their SHA-256 in the database.

Every personal link (a focal point's reply link, a delegate's accreditation link, a join
request's confirmation, an applicant's link) is made and looked up with these two
functions, so that they all share one strength and one way of storing."""

import hashlib
import secrets

TOKEN_BYTES = 24  # 192 bits


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
