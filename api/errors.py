"""The API's error answers: always JSON, `{"detail": ...}`, never the site's HTML pages."""

from ninja.errors import HttpError


class KeyRefused(HttpError):
    """An unknown or revoked partner key: 401, with `WWW-Authenticate: Bearer`."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=401, message=message)


class InvalidParameters(Exception):
    """Query parameters the schema accepts but the data does not (an unknown country, Lab, theme)."""

    def __init__(self, errors: list[dict]) -> None:
        super().__init__("invalid parameters")
        self.errors = errors
