"""Errors of the domain core: each has a stable code that the API turns into a 4xx reply."""


class DomainError(Exception):
    """A command that the hall's rules refuse; `status` is the HTTP status the API should use."""

    status = 409

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class NotFound(DomainError):
    status = 404


class Invalid(DomainError):
    status = 422


class Conflict(DomainError):
    status = 409
