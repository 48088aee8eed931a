"""The direction of imports (docs/architecture.md): the core at the bottom, then grid,
then the four modes (none importing another), then yuyao_portal's pages on top; no
import circle anywhere; no module importing another module's private (``_name``) names.

A small AST walk over the source tree: every ``import`` counts, also those inside
functions, because a lazy import only hides a circle, it does not remove it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = {"volunteers", "negotiation", "funding", "training", "community"}
APPS = ["core", "grid", *sorted(MODES), "yuyao_portal"]
# The foundation that stays in the yuyao_portal app because its tables, permissions and
# admin pages belong to every deployment's history: the User model and the audit trail.
# They sit in the core layer and import nothing above it.
FOUNDATION = {"yuyao_portal.models", "yuyao_portal.audit"}
CORE, GRID, MODE, TOP = 0, 1, 2, 3
LAYER_NAMES = {CORE: "the core", GRID: "grid", MODE: "a mode app", TOP: "yuyao_portal"}


def layer(module: str) -> int:
    if module in FOUNDATION or module.startswith("core"):
        return CORE
    top = module.split(".")[0]
    if top == "grid":
        return GRID
    if top in MODES:
        return MODE
    return TOP


def source_modules(roots):
    found = {}
    for root in roots:
        base = ROOT / root
        if not base.exists():
            continue
        for path in base.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            package = parts[-1] == "__init__"
            if package:
                parts = parts[:-1]
            found[".".join(parts)] = (path, package)
    return found


def owner(name: str, modules) -> str | None:
    """The module of ours that ``name`` (a module or a name in one) refers to."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str, path: Path, package: bool, modules):
    """``(target module, imported name or None, line)`` of every import in the file."""
    here = module if package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = owner(alias.name, modules)
                if target:
                    yield target, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                full = f"{source}.{alias.name}"
                target = owner(full if full in modules else source, modules)
                if target:
                    yield target, (None if full in modules else alias.name), node.lineno


def graph(roots=APPS):
    modules = source_modules(roots)
    edges = {}
    for module, (path, package) in modules.items():
        edges[module] = [(t, n, line) for t, n, line in imports(module, path, package, modules)]
    return modules, edges


def circles(edges) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w, _name, _line in edges.get(v, ()):
            if w == v:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(edges):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_anywhere():
    _modules, edges = graph()
    assert circles(edges) == []


def test_imports_go_down_the_layers_and_modes_never_import_each_other():
    _modules, edges = graph()
    wrong = []
    for module, targets in edges.items():
        for target, _name, line in targets:
            if target == module:
                continue
            a, b = layer(module), layer(target)
            if b > a:
                wrong.append(f"{module}:{line} ({LAYER_NAMES[a]}) imports {target}")
            elif a == b == MODE and module.split(".")[0] != target.split(".")[0]:
                wrong.append(f"{module}:{line} imports another mode's {target}")
    assert wrong == []


def test_no_private_name_is_imported_from_another_module():
    modules, edges = graph(APPS + ["tests", "bench", "scripts"])
    wrong = [
        f"{module}:{line} imports {name} from {target}"
        for module, targets in edges.items()
        for target, name, line in targets
        if name and name.startswith("_") and not name.startswith("__") and target != module
    ]
    assert wrong == []


def test_the_walk_sees_what_it_must_refuse(tmp_path):
    """The checks themselves: a circle, an upward import, a mode importing a mode and a
    private name, written into a scratch tree, are all found."""
    for name, text in {
        "core/__init__.py": "",
        "core/a.py": "from grid import b\n",
        "grid/__init__.py": "",
        "grid/b.py": "def f():\n    from core import a\n",
        "volunteers/__init__.py": "",
        "volunteers/c.py": "from funding.d import _secret\n",
        "funding/__init__.py": "",
        "funding/d.py": "_secret = 1\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        _modules, edges = graph()
        assert circles(edges) == [["core.a", "grid.b"]]
        upward = [(m, t) for m, ts in edges.items() for t, _n, _l in ts if layer(t) > layer(m)]
        assert ("core.a", "grid.b") in upward
        assert any(t == "funding.d" and n == "_secret" for t, n, _l in edges["volunteers.c"])
    finally:
        ROOT = saved
