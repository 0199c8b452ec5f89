"""Identifiers as they arrive from outside: only a well-formed UUID is looked up."""

import uuid


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
