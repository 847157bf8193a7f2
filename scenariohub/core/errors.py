"""Domain errors raised by services and access helpers.

Views turn them into messages or HTTP status codes and the API into one JSON shape,
`{"code": "...", "message": "..."}`, so the same rule gives the same answer on every surface.
"""


class DomainError(Exception):
    """Base class: a machine code, a human message (already translated) and an HTTP status."""

    status = 400
    code = "error"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details = details or {}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class StaleVersion(Conflict):
    code = "stale_version"
