"""Which fields a query asks for below the field being resolved, to load only what it shows."""

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode


def _collect(selection_set, fragments, into: dict) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            below = into.setdefault(selection.name.value, {})
            if selection.selection_set is not None:
                _collect(selection.selection_set, fragments, below)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, into)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:  # validation refused unknown and cyclic fragments before execution
                _collect(fragment.selection_set, fragments, into)


def selected_fields(info, *path: str) -> dict:
    """The fields asked for below the current field and then along `path` (e.g. "edges", "node"), as a tree
    of field names: `{"lines": {"sku": {}}, "number": {}}`. Fields under a @skip or @include directive are
    counted as asked for."""
    tree: dict = {}
    for node in info.field_nodes:
        if node.selection_set is not None:
            _collect(node.selection_set, info.fragments, tree)
    for name in path:
        tree = tree.get(name, {})
    return tree
