"""The layout holds (STYLE.md, Layout): capabilities over a small domain core, dependencies pointing
inward, no import cycle between packages, and modules of a size one can read.

The import graph is built from the source with `ast`: every `import` counts, at the top of a
module or inside a function, and importing `a.b.c` counts as importing the packages `a` and
`a.b` too, whose `__init__` runs first.
"""

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

import saleor_returns

PACKAGE = "saleor_returns"
SOURCE = Path(saleor_returns.__file__).parent

# One package per stage of a return: writes in `actions`, outside calls in `tasks`.
CAPABILITIES = (
    "installations", "requests", "shipping", "inspection", "resolutions", "surveys", "notifications", "analytics",
)
# What calls the capabilities from outside: the API, incoming webhooks, the desk, the customer pages.
EDGES = ("api", "webhooks", "dashboard", "portal")
# The domain core every capability stands on (a module, or a package once split).
CORE = ("models", "states", "policies", "events", "money", "error_codes", "requestors", "notes")
# A capability's actions queue its tasks and its tasks call its actions: one room, one allowed cycle.
ROOM = ("actions", "tasks")

MAX_LINES = 500


@dataclass(frozen=True)
class Import:
    importer: str
    target: str
    # A name taken from the target (`from target import name`, or `target.name`), if any.
    name: str = ""


# --------------------------------------------------------------------------- reading the source


def source_modules() -> dict[str, Path]:
    """Module name -> file, for every Python module of the package (migrations are generated)."""
    modules = {}
    for path in sorted(SOURCE.rglob("*.py")):
        relative = path.relative_to(SOURCE)
        if relative.parts[0] == "migrations":
            continue
        parts = (PACKAGE, *relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def with_packages(target: str) -> list[str]:
    """`a.b.c` and the packages whose `__init__` runs before it: `a.b`, `a`."""
    parts = target.split(".")
    return [".".join(parts[:end]) for end in range(len(parts), 0, -1)]


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.extend(Import(module, target) for target in with_packages(alias.name))
                if alias.asname:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.extend(Import(module, target) for target in with_packages(base))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in modules:
                    found.append(Import(module, submodule))
                    aliases[alias.asname or alias.name] = submodule
                else:
                    found.append(Import(module, base, alias.name))
    # `tasks._helper` through a module imported under a name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            found.append(Import(module, aliases[node.value.id], node.attr))
    return [item for item in found if item.target == PACKAGE or item.target.startswith(PACKAGE + ".")]


def import_graph() -> list[Import]:
    modules = source_modules()
    return [item for module, path in modules.items() for item in imports_of(module, path, modules)]


# --------------------------------------------------------------------------- the rules


def area(module: str) -> str:
    """The package a module belongs to: `saleor_returns.<subpackage>`; a top-level module is its own."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] not in _top_level_modules():
        return ".".join(parts[:2])
    return module


@cache
def _top_level_modules() -> frozenset[str]:
    return frozenset(path.stem for path in SOURCE.glob("*.py"))


def is_in(module: str, names) -> bool:
    return any(module == f"{PACKAGE}.{name}" or module.startswith(f"{PACKAGE}.{name}.") for name in names)


def capability_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in CAPABILITIES and parts[1] not in _top_level_modules() else None


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's components with more than one node (import cycles), iteratively."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return components


def cycle_problems(imports: list[Import]) -> list[str]:
    """Cycles that cross from one package into another, and cycles inside a capability other than
    its actions<->tasks room; and any cycle between capabilities, module to module or not."""
    edges: dict[str, set[str]] = {}
    for item in imports:
        if item.target != item.importer:
            edges.setdefault(item.importer, set()).add(item.target)
    problems = []
    for component in strongly_connected(edges):
        areas = {area(module) for module in component}
        capability = capability_of(next(iter(component)))
        room = {f"{PACKAGE}.{capability}.{name}" for name in ROOM}
        if len(areas) > 1 or (capability is not None and not component <= room):
            problems.append("import cycle: " + " <-> ".join(sorted(component)))
    between: dict[str, set[str]] = {}
    for item in imports:
        source, target = capability_of(item.importer), capability_of(item.target)
        if source and target and source != target:
            between.setdefault(source, set()).add(target)
    for component in strongly_connected(between):
        problems.append("capabilities depend on each other: " + " <-> ".join(sorted(component)))
    return problems


def direction_problems(imports: list[Import]) -> list[str]:
    """Dependencies point inward: the core imports no capability or edge, a capability no edge,
    and nothing reaches for another capability's private (underscore) names."""
    problems = []
    for item in imports:
        if is_in(item.importer, CORE) and is_in(item.target, CAPABILITIES + EDGES):
            problems.append(f"the domain core imports outward: {item.importer} -> {item.target}")
        if capability_of(item.importer) and is_in(item.target, EDGES):
            problems.append(f"a capability imports an edge: {item.importer} -> {item.target}")
        private = item.name.startswith("_") and not item.name.startswith("__")
        target_capability = capability_of(item.target)
        if private and target_capability and target_capability != capability_of(item.importer):
            problems.append(f"another capability's private name: {item.importer} uses {item.target}.{item.name}")
    return sorted(set(problems))


def size_problems() -> list[str]:
    problems = []
    for path in source_modules().values():
        relative = path.relative_to(SOURCE).as_posix()
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            problems.append(f"{relative} has {lines} lines; give its parts their own modules")
    return problems


# --------------------------------------------------------------------------- the package


def test_no_import_cycle_crosses_a_package():
    assert cycle_problems(import_graph()) == []


def test_dependencies_point_inward():
    assert direction_problems(import_graph()) == []


def test_modules_stay_readable():
    assert size_problems() == []


def test_every_capability_keeps_its_writes_and_outside_calls_apart():
    for capability in ("installations", "requests", "shipping", "inspection", "resolutions"):
        assert (SOURCE / capability / "actions.py").is_file()
        assert (SOURCE / capability / "tasks.py").is_file()
    assert not (SOURCE / "actions.py").exists()
    assert not (SOURCE / "tasks.py").exists()


# Queued messages and the beat schedule name tasks by these strings: a task may move, never be renamed.
TASK_NAMES = {
    f"saleor_returns.{name}"
    for name in (
        "refresh_installation", "sync_saleor_webhooks", "sync_all_saleor_webhooks", "check_api_key_creators_of",
        "check_api_key_creators", "delete_expired_counters", "apply_saleor_webhook", "review_return_request",
        "create_label", "void_label", "register_tracker", "apply_pending_carrier_events", "flag_stale_shipments",
        "expire_unshipped_returns", "delete_unattached_evidence", "process_refund", "reconcile_refund",
        "reconcile_refunds", "sync_order_metadata", "record_return_in_saleor", "schedule_pickup",
        "create_replacement_order", "confirm_replacement_payment", "reconcile_replacement_payments",
    )
}


def task_names_in_source() -> set[str]:
    """The `name=` of every `@shared_task(...)` in the package."""
    names = set()
    for path in source_modules().values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "shared_task":
                names.update(kw.value.value for kw in node.keywords if kw.arg == "name")
    return names


def test_a_starting_worker_registers_every_task_and_every_scheduled_one():
    # given: a fresh process that imports what `celery worker` imports when it starts
    code = (
        "from saleor_returns.celery import app; app.loader.import_default_modules(); "
        "print('\\n'.join(sorted(app.tasks)))"
    )
    environment = dict(os.environ, DJANGO_SETTINGS_MODULE="saleor_returns.test_settings")

    # when
    registered = set(
        subprocess.run(
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True, timeout=120
        ).stdout.split()
    )

    # then
    defined = task_names_in_source()
    assert TASK_NAMES <= defined
    assert defined <= registered
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= defined


# --------------------------------------------------------------------------- the rules on made-up graphs


def graph(*pairs: str) -> list[Import]:
    """`"a.b -> c.d"` pairs, names under the package; `"a.b -> c.d:_name"` uses a name."""
    result = []
    for pair in pairs:
        importer, target = (f"{PACKAGE}.{side.strip()}" for side in pair.split("->"))
        target, _, name = target.partition(":")
        result.append(Import(importer, target, name))
    return result


def test_a_cycle_between_two_capabilities_is_caught():
    imports = graph("requests.actions -> shipping.actions", "shipping.actions -> requests.actions")
    assert cycle_problems(imports) == [
        "import cycle: saleor_returns.requests.actions <-> saleor_returns.shipping.actions",
        "capabilities depend on each other: requests <-> shipping",
    ]


def test_a_longer_cycle_through_the_core_is_caught():
    imports = graph(
        "requests.actions -> lifecycle", "lifecycle -> resolutions.refunds", "resolutions.refunds -> requests.actions"
    )
    assert cycle_problems(imports) == [
        "import cycle: saleor_returns.lifecycle <-> saleor_returns.requests.actions"
        " <-> saleor_returns.resolutions.refunds",
    ]


def test_capabilities_that_need_each_other_without_a_module_cycle_are_caught():
    imports = graph("requests.actions -> shipping.actions", "shipping.tasks -> requests.review")
    assert cycle_problems(imports) == ["capabilities depend on each other: requests <-> shipping"]


def test_a_capabilitys_actions_and_tasks_are_one_room():
    assert cycle_problems(graph("shipping.actions -> shipping.tasks", "shipping.tasks -> shipping.actions")) == []


def test_other_cycles_inside_a_capability_are_caught():
    imports = graph("requests.actions -> requests.evidence", "requests.evidence -> requests.actions")
    assert cycle_problems(imports) == [
        "import cycle: saleor_returns.requests.actions <-> saleor_returns.requests.evidence"
    ]


def test_a_cycle_through_an_edge_and_the_saleor_boundary_is_caught():
    # The manifest once read its webhook events from the handlers, which call the capabilities.
    imports = graph(
        "webhooks.saleor -> webhooks.saleor.app_deleted",
        "webhooks.saleor.app_deleted -> installations.actions",
        "installations.actions -> installations.tasks",
        "installations.tasks -> saleor.manifest",
        "saleor.manifest -> webhooks.saleor",
    )
    assert cycle_problems(imports) == [
        "import cycle: saleor_returns.installations.actions <-> saleor_returns.installations.tasks"
        " <-> saleor_returns.saleor.manifest <-> saleor_returns.webhooks.saleor"
        " <-> saleor_returns.webhooks.saleor.app_deleted"
    ]


def test_one_way_dependencies_are_no_cycle():
    imports = graph("api.queries -> requests.actions", "requests.actions -> shipping.actions",
                    "shipping.actions -> resolutions.actions", "resolutions.actions -> models")
    assert cycle_problems(imports) == []


def test_outward_imports_and_private_names_are_caught():
    imports = graph(
        "states -> requests.actions",
        "models.returns -> api.types",
        "shipping.actions -> webhooks.carriers",
        "shipping.actions -> resolutions.actions:_refund_lines",
        "api.queries -> requests.actions:_next_number",
        "requests.tasks -> requests.actions:_lock_order",
        "requests.actions -> installations.actions:current_policy",
    )
    assert direction_problems(imports) == [
        "a capability imports an edge: saleor_returns.shipping.actions -> saleor_returns.webhooks.carriers",
        "another capability's private name: saleor_returns.api.queries uses "
        "saleor_returns.requests.actions._next_number",
        "another capability's private name: saleor_returns.shipping.actions uses "
        "saleor_returns.resolutions.actions._refund_lines",
        "the domain core imports outward: saleor_returns.models.returns -> saleor_returns.api.types",
        "the domain core imports outward: saleor_returns.states -> saleor_returns.requests.actions",
    ]


def test_imports_are_read_at_any_depth_relative_or_not(tmp_path):
    # given: a module importing at the top, in a function, relatively and through a name
    path = tmp_path / "actions.py"
    path.write_text(
        "from saleor_returns.shipping import actions as shipping_actions\n"
        "from . import tasks\n"
        "def run():\n"
        "    from saleor_returns.resolutions.refunds import start_refund\n"
        "    shipping_actions._plan()\n"
    )
    modules = {f"{PACKAGE}.requests.tasks": path, f"{PACKAGE}.shipping.actions": path}

    # when
    found = set(imports_of(f"{PACKAGE}.requests.actions", path, modules))

    # then
    importer = f"{PACKAGE}.requests.actions"
    assert {
        Import(importer, f"{PACKAGE}.shipping.actions"),
        Import(importer, f"{PACKAGE}.shipping"),
        Import(importer, f"{PACKAGE}.requests.tasks"),
        Import(importer, f"{PACKAGE}.resolutions.refunds", "start_refund"),
        Import(importer, f"{PACKAGE}.resolutions"),
        Import(importer, f"{PACKAGE}.shipping.actions", "_plan"),
    } <= found
