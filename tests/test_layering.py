"""The layering DESIGN.md rests on, checked on the source:

    mail <- awards <- nominations <- shortlisting <- events <- night <- {dashboard, data_protection} <- demo

An app imports only from apps to its left; dashboard and data_protection never import each other;
no app imports config (settings, URLs, middleware and sign-in sit on top). Imports are made at the
top of a module, never inside a function (only tasks and management commands may), so the module
graph is what the tops of the files say, and it has no circle.

The self-tests at the end run the same checks on a small tree with each rule broken, so a check
that stops finding anything fails too."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORDER = ("mail", "awards", "nominations", "shortlisting", "events", "night", "dashboard", "data_protection", "demo")
SIBLINGS = {frozenset({"dashboard", "data_protection"})}
TOP = "config"


def modules(root: Path, app: str) -> dict[str, Path]:
    """Every module of `app` (not its migrations), by dotted name."""
    found = {}
    for path in sorted((root / app).rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path, module: str) -> list[tuple[int, str, bool]]:
    """(line, imported module, made inside a function) of every import in a file."""
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside |= {id(child) for child in ast.walk(node) if child is not node}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, id(node) in inside) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            # `from . import views` imports the module package.views
            names = [f"{target}.{alias.name}" for alias in node.names] if not node.module else [target]
            found += [(node.lineno, name, id(node) in inside) for name in names]
    return found


def may_import_inside_a_function(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return path.name == "tasks.py" or ("management" in parts and "commands" in parts)


def layering_problems(root: Path, order=ORDER, siblings=SIBLINGS, top=TOP) -> list[str]:
    problems = []
    rank = {app: i for i, app in enumerate(order)}
    for app in (*order, top):
        for module, path in modules(root, app).items():
            where = path.relative_to(root)
            for line, target, in_function in imports(path, module):
                other = target.split(".")[0]
                if in_function and not may_import_inside_a_function(path, root):
                    problems.append(f"{where}:{line} imports {target} inside a function")
                if app == top or other == app:
                    continue
                if other == top:
                    problems.append(f"{where}:{line} imports {target}: no app imports {top}")
                elif other in rank and frozenset({app, other}) in siblings:
                    problems.append(f"{where}:{line} imports {target}: {app} and {other} never import each other")
                elif other in rank and rank[other] > rank[app]:
                    problems.append(f"{where}:{line} imports {target}, to the right of {app}")
    return problems


def circles(root: Path, apps=(*ORDER, TOP)) -> list[list[str]]:
    """Circles in the graph of module-level imports between the project's modules."""
    known = {name: path for app in apps for name, path in modules(root, app).items()}
    graph = {}
    for name, path in known.items():
        targets = set()
        for _, target, in_function in imports(path, name):
            if in_function:
                continue
            while target and target not in known:
                target = target.rpartition(".")[0]  # `from x.y import Name` is the module x.y
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    found, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_apps_import_only_to_their_left_and_only_at_the_top():
    assert layering_problems(ROOT) == []


def test_there_is_no_import_circle():
    assert circles(ROOT) == []


# --- the checks find what they are for ----------------------------------------------------------


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


SMALL = ("left", "middle", "right", "sibling")
SMALL_SIBLINGS = {frozenset({"right", "sibling"})}


def check_small(root: Path) -> list[str]:
    return layering_problems(root, order=SMALL, siblings=SMALL_SIBLINGS, top="top")


def test_the_check_finds_an_import_to_the_right(tmp_path):
    root = tree(tmp_path, {"left/a.py": "from middle.b import thing\n", "middle/b.py": "from left.a import x\n"})
    assert check_small(root) == ["left/a.py:1 imports middle.b, to the right of left"]


def test_the_check_finds_a_relative_import_of_another_app_and_a_sibling(tmp_path):
    root = tree(tmp_path, {"right/__init__.py": "", "right/a.py": "import sibling.views\n", "sibling/b.py": "from right import a\n"})
    assert check_small(root) == [
        "right/a.py:1 imports sibling.views: right and sibling never import each other",
        "sibling/b.py:1 imports right: sibling and right never import each other",
    ]


def test_the_check_finds_an_import_of_config_and_one_inside_a_function(tmp_path):
    root = tree(
        tmp_path,
        {
            "middle/views.py": "import top.settings\n\ndef view():\n    from . import forms\n",
            "middle/tasks.py": "def work():\n    from .views import view\n",
            "middle/management/commands/go.py": "def handle():\n    from middle.views import view\n",
        },
    )
    assert check_small(root) == [
        "middle/views.py:1 imports top.settings: no app imports top",
        "middle/views.py:4 imports middle.forms inside a function",
    ]


def test_the_circle_check_finds_a_circle(tmp_path):
    root = tree(
        tmp_path,
        {"left/emails.py": "from .services import x\n", "left/services.py": "from .tasks import y\n", "left/tasks.py": "from .emails import z\n"},
    )
    assert circles(root, apps=("left",)) == [["left.emails", "left.services", "left.tasks", "left.emails"]]
