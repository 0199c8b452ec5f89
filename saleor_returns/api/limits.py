"""Bounds on the work one GraphQL request may ask for, checked before anything runs."""

from graphene.validation import depth_limit_validator
from graphql import FieldNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode, ValidationRule

# Deeper than the desk's deepest query (a return's refund components, 6 levels) with room
# to spare; introspection is not counted.
MAX_DEPTH = 12
# Fields at the top of one operation, aliases included: each may read an order from Saleor.
MAX_ROOT_FIELDS = 20


def _root_field_count(context, selection_set, seen: frozenset = frozenset()) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += 1
        elif isinstance(selection, InlineFragmentNode):
            count += _root_field_count(context, selection.selection_set, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            fragment = context.get_fragment(selection.name.value)
            if fragment is not None:
                count += _root_field_count(context, fragment.selection_set, seen | {selection.name.value})
    return count


class RootFieldLimit(ValidationRule):
    """At most MAX_ROOT_FIELDS fields (aliases included) at the top of an operation."""

    def enter_operation_definition(self, node, *_args):
        if _root_field_count(self.context, node.selection_set) > MAX_ROOT_FIELDS:
            self.report_error(GraphQLError(
                f"An operation may ask for at most {MAX_ROOT_FIELDS} top-level fields, aliases included.", node,
            ))


VALIDATION_RULES = (depth_limit_validator(max_depth=MAX_DEPTH), RootFieldLimit)
