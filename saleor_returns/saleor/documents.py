"""The GraphQL documents the app sends to Saleor, read from graphql/saleor/.

Each operation lives in its own file, named after the operation; fragments
may live anywhere in the folder and are appended to an operation that uses
them. A test validates every operation against Saleor's real schema.
"""

from functools import lru_cache
from pathlib import Path

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse, print_ast, visit
from graphql.language import Visitor

DOCUMENTS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "saleor"


class _FragmentSpreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node, *_args):
        self.names.add(node.name.value)


def fragment_spreads(node) -> set[str]:
    """The names of the fragments `node` spreads."""
    visitor = _FragmentSpreads()
    visit(node, visitor)
    return visitor.names


@lru_cache(maxsize=1)
def _definitions() -> tuple[dict, dict]:
    operations: dict[str, OperationDefinitionNode] = {}
    fragments: dict[str, FragmentDefinitionNode] = {}
    for path in sorted(DOCUMENTS_DIR.glob("**/*.graphql")):
        for definition in parse(path.read_text(), no_location=True).definitions:
            if isinstance(definition, OperationDefinitionNode):
                if definition.name is None:
                    raise ValueError(f"{path.name}: every operation sent to Saleor must be named.")
                name = definition.name.value
                if name in operations:
                    raise ValueError(f"Operation {name} is defined twice in graphql/saleor/.")
                operations[name] = definition
            elif isinstance(definition, FragmentDefinitionNode):
                fragments[definition.name.value] = definition
    return operations, fragments


def operation_names() -> list[str]:
    return sorted(_definitions()[0])


@lru_cache(maxsize=None)
def document(operation_name: str) -> str:
    """The full text to send for `operation_name`: the operation and its fragments."""
    operations, fragments = _definitions()
    try:
        operation = operations[operation_name]
    except KeyError:
        raise KeyError(f"No operation {operation_name} in graphql/saleor/.") from None
    needed: list[str] = []
    pending = sorted(fragment_spreads(operation))
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        if name not in fragments:
            raise KeyError(f"Fragment {name} used by {operation_name} is not defined in graphql/saleor/.")
        needed.append(name)
        pending.extend(sorted(fragment_spreads(fragments[name]) - set(needed)))
    parts = [print_ast(operation)] + [print_ast(fragments[name]) for name in sorted(needed)]
    return "\n\n".join(parts) + "\n"
