"""Form state for the portal's pages: each field's value and errors, and the summary linking to them.

The API decides what is valid; its errors (`field` in camelCase, the order `lines` at fault)
are placed next to the field they name, and listed in a summary at the top of the form.
"""

from dataclasses import dataclass, field


@dataclass
class Field:
    name: str
    id: str
    value: str = ""
    errors: list[str] = field(default_factory=list)


class Form:
    """Fields named by their API field (camelCase); `prefix` keeps ids unique on a page."""

    def __init__(self, prefix: str, names, data=None):
        self.prefix = prefix
        self.fields = {name: Field(name=name, id=f"{prefix}-{name}") for name in names}
        self.general: list[str] = []
        for name, item in self.fields.items():
            if data is not None:
                item.value = (data.get(f"{prefix}-{name}") or "").strip()

    def __getitem__(self, name: str) -> Field:
        return self.fields[name]

    def add_error(self, name: str | None, message: str) -> None:
        if name in self.fields:
            self.fields[name].errors.append(message)
        else:
            self.general.append(message)

    @property
    def has_errors(self) -> bool:
        return bool(self.general) or any(item.errors for item in self.fields.values())

    def summary(self) -> list[tuple[str, str]]:
        """(anchor, message) of every error, general ones first (pointing at the form itself)."""
        items = [(f"#{self.prefix}", message) for message in self.general]
        items += [(f"#{item.id}", message) for item in self.fields.values() for message in item.errors]
        return items


def place_errors(form: Form, errors: list[dict], *, aliases: dict | None = None) -> None:
    """Put API errors next to their field: `aliases` maps an API field to one of the form's."""
    for error in errors:
        name = error.get("field")
        name = (aliases or {}).get(name, name)
        form.add_error(name, error["message"])
