"""Bounds on the work one GraphQL request may ask for, checked before anything runs."""

from graphene.validation import depth_limit_validator
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ValidationRule,
    specified_rules,
)

# Deeper than the desk's deepest query (a return's refund components, 6 levels) with room
# to spare; introspection is not counted.
MAX_DEPTH = 12
# Fields at the top of one operation, aliases included: each may read an order from Saleor.
MAX_ROOT_FIELDS = 20
# Root fields that call Saleor, each costing one or more calls with the app's token:
# at most MAX_SALEOR_COST of them in one operation, aliases included.
SALEOR_COST = {
    "returnEligibility": 1,
    "returnOrderByNumber": 1,
    "returnLookupTokenCreate": 1,
    "returnRequestCreate": 1,
    "returnResolutionPreview": 1,
    "myOrders": 1,
    "returnExchangeCandidates": 1,
    "returnRequestResolve": 2,
    "returnRefundRetry": 2,
    "returnReplacementRetry": 2,
}
MAX_SALEOR_COST = 5


def _root_fields(context, selection_set, seen: frozenset = frozenset()) -> list[str]:
    """Names of the fields at the top of a selection (aliases each count), through fragments."""
    names = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.append(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names += _root_fields(context, selection.selection_set, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            fragment = context.get_fragment(selection.name.value)
            if fragment is not None:
                names += _root_fields(context, fragment.selection_set, seen | {selection.name.value})
    return names


class RootFieldLimit(ValidationRule):
    """At most MAX_ROOT_FIELDS fields (aliases included) at the top of an operation."""

    def enter_operation_definition(self, node, *_args):
        if len(_root_fields(self.context, node.selection_set)) > MAX_ROOT_FIELDS:
            self.report_error(GraphQLError(
                f"An operation may ask for at most {MAX_ROOT_FIELDS} top-level fields, aliases included.", node,
            ))


class SaleorCostLimit(ValidationRule):
    """Fields that call Saleor with the app's token cost up to MAX_SALEOR_COST per operation."""

    def enter_operation_definition(self, node, *_args):
        cost = sum(SALEOR_COST.get(name, 0) for name in _root_fields(self.context, node.selection_set))
        if cost > MAX_SALEOR_COST:
            self.report_error(GraphQLError(
                f"This operation costs {cost} calls to Saleor; at most {MAX_SALEOR_COST} are allowed "
                f"({', '.join(sorted(SALEOR_COST))} cost at least one each, aliases included). Split it.",
                node,
            ))



def _spread_names(selection_set) -> set[str]:
    names, pending = set(), [selection_set]
    while pending:
        current = pending.pop()
        for selection in current.selections if current else ():
            if isinstance(selection, FragmentSpreadNode):
                names.add(selection.name.value)
            else:
                pending.append(selection.selection_set)
    return names


def has_fragment_cycle(document) -> bool:
    """True if a fragment spreads itself, directly or through others."""
    spreads = {
        definition.name.value: _spread_names(definition.selection_set)
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    done: set[str] = set()
    for start in spreads:
        # Depth-first with an explicit stack: a hostile document must not exhaust Python's.
        on_path, stack = {start}, [(start, iter(spreads[start]))]
        while stack:
            name, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_path.discard(name)
                done.add(name)
            elif child in on_path:
                return True
            elif child in spreads and child not in done:
                on_path.add(child)
                stack.append((child, iter(spreads[child])))
    return False


_GrapheneDepthLimit = depth_limit_validator(max_depth=MAX_DEPTH)


class DepthLimit(ValidationRule):
    """graphene's depth limit, skipped on a fragment cycle (NoFragmentCyclesRule reports it), where it
    would recurse until Python's stack runs out."""

    def __init__(self, context):
        if not has_fragment_cycle(context.document):
            _GrapheneDepthLimit(context)  # measures and reports as it is made
        super().__init__(context)


# graphene-django validates with these rules *instead of* GraphQL's own: both sets are needed, or
# unknown fields, wrongly typed literals and fragment cycles would reach execution.
VALIDATION_RULES = (*specified_rules, DepthLimit, RootFieldLimit, SaleorCostLimit)
