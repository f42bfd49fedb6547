"""Page ↔ API parity (DESIGN: the API is a first-class client).

Read from the source, not declared by hand: a page view "does" the service functions it calls (directly or through
helpers in its module) and the workflows whose `handle_page` it calls; an API module "does" the services its
operations call and the workflows it mounts with `add_api_steps`. Every service a page does must be done by some
API operation. Reads that happen to live in services.py (QR token helpers) are named in READS with the reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Functions in a services module that write nothing: no API twin needed for them.
READS: dict[str, str] = {
    "qr_token": "builds the QR text a page shows; the API's sign-in takes the token it encodes",
    "qr_token_valid": "checks a token while the console renders",
    "deadlines_for": "reads the inherited deadlines for display",
    "volunteer_total_hours": "a figure shown on the page",
    "points_per_hour": "the exchange rate shown on the page",
    "audit_record": "the audit row an export or an unmask writes beside its read",
    "caption_message": "the text of a caption warning (contests)",
    "results_preview": "the ranking a call's organiser previews (contests; the API lists results)",
    "unit_settings_many": "reads the settings of many units for the settings list",
}


# Apps whose views are themselves an API for other platforms (no pages to twin).
FACADES = {"open311": "Open311 GeoReport v2 for partner platforms"}


@dataclass(frozen=True)
class Use:
    module: str
    function: str
    service: str


def _service_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """Names bound to services modules (`from x import services`, `import x.services as s`) and service functions
    imported by name (`from civicloop.orders.services import order_submit`)."""
    modules: set[str] = set()
    functions: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.endswith(".services") or node.module.endswith("services"):
                for alias in node.names:
                    functions.add(alias.asname or alias.name)
            for alias in node.names:
                if alias.name == "services":
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.endswith(".services"):
                    modules.add(alias.asname or alias.name.rsplit(".", 1)[0])
    return modules, functions


def _calls(fn: ast.AST, modules: set[str], functions: set[str]) -> tuple[set[str], set[str]]:
    """(services called, local names called) inside one function."""
    services: set[str] = set()
    local: set[str] = set()
    for node in ast.walk(fn):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute):
            if isinstance(f.value, ast.Name) and f.value.id in modules:
                services.add(f.attr)
            elif f.attr in ("handle_page", "add_api_steps", "run", "apply"):
                target = f.value
                name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                if name and name.isupper():  # workflow declarations are module constants (ORDER, ENTRY...)
                    services.add(f"workflow:{name}")
        elif isinstance(f, ast.Name):
            if f.id in functions:
                services.add(f.id)
            else:
                local.add(f.id)
    return services, local


def module_uses(path: Path) -> dict[str, set[str]]:
    """function name → services it does, following calls to other functions of the same module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules, functions = _service_names(tree)
    direct: dict[str, tuple[set[str], set[str]]] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            direct[node.name] = _calls(node, modules, functions)
    done: dict[str, set[str]] = {}

    def closure(name: str, seen: frozenset[str]) -> set[str]:
        if name in done:
            return done[name]
        services, local = direct[name]
        found = set(services)
        for other in local:
            if other in direct and other not in seen:
                found |= closure(other, seen | {other})
        done[name] = found
        return found

    return {name: {s for s in closure(name, frozenset({name})) if s not in READS} for name in direct}


def apps() -> Iterable[Path]:
    return sorted(p for p in ROOT.iterdir() if (p / "views.py").exists() or (p / "api.py").exists())


def _modules(app: Path, kind: str) -> list[Path]:
    """An app's `views.py` and `*_views.py` (pages), or its `api.py` and `*_api.py` (API operations)."""
    return sorted([*app.glob(f"{kind}.py"), *app.glob(f"*_{kind}.py")])


def page_uses() -> list[Use]:
    uses = []
    for app in apps():
        if app.name in FACADES:
            continue
        for views in _modules(app, "views"):
            for function, services in module_uses(views).items():
                uses.extend(Use(app.name, function, s) for s in services)
    return uses


def api_services() -> set[str]:
    found: set[str] = set()
    for path in [ROOT / "api.py", *(m for a in apps() for m in _modules(a, "api"))]:
        if path.exists():
            for services in module_uses(path).values():
                found |= services
            tree = ast.parse(path.read_text(encoding="utf-8"))
            modules, functions = _service_names(tree)
            # module-level calls such as `ENTRY.add_api_steps(router, ...)`
            for node in tree.body:
                if isinstance(node, ast.Expr):
                    found |= _calls(node, modules, functions)[0]
    return found


def missing_twins() -> list[Use]:
    have = api_services()
    return sorted({u for u in page_uses() if u.service not in have}, key=lambda u: (u.module, u.function, u.service))


# --- denial tests ---------------------------------------------------------------------------------------------

# A refusal: an error status, or an empty list for a caller outside the scope (lists fail closed, they do not 403).
REFUSED = re.compile(r"\b(403|404)\b|\]\s*==\s*\[\]|\[.count.\]\s*==\s*0\b")


def operations(schema: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(method, path, public) for every API operation of an OpenAPI document."""
    ops = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            public = op.get("security") is None or op.get("security") == []
            ops.append((method.upper(), path, public))
    return ops


def _path_pattern(path: str) -> re.Pattern[str]:
    """A test names `/api/orders/{number}/claim` as a literal, an f-string or a format string."""
    parts = re.split(r"\{[^}]+\}", path.rstrip("/"))
    param = r"(?:\{[^}]*\}|[^/\"'\s?{}]+)"
    return re.compile(param.join(re.escape(p) for p in parts) + r"/?[\"'?]")


def test_functions() -> list[tuple[str, str]]:
    """(name, source) of every test function, with the module's string constants (e.g. BASE) substituted."""
    found = []
    for path in ROOT.rglob("tests/test_*.py"):
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        consts = {
            t.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                source = "\n".join(
                    ast.get_source_segment(text, part) or "" for part in [*node.decorator_list, node]
                )
                for name, value in consts.items():
                    source = source.replace("{" + name + "}", value)
                found.append((f"{path.relative_to(ROOT)}::{node.name}", source))
    return found


# Operations that answer only about the caller: there is no "wrong person", only an anonymous one (401).
ABOUT_THE_CALLER = {
    ("GET", "/api/people/me"): "who am I",
    ("POST", "/api/people/me/volunteer"): "the caller signs up to serve (409 if already a volunteer)",
    ("DELETE", "/api/auth/token"): "the caller revokes the token it calls with",
    ("POST", "/api/auth/password"): "the caller changes its own password (400 if the old one is wrong)",
    ("POST", "/api/people/me/phone"): "the caller asks for a code to its own new number (202 whatever the number)",
    ("POST", "/api/people/me/phone/confirm"): "the caller confirms its own new number (400 on a wrong code)",
    ("POST", "/api/people/me/resident"): "the caller adds the resident role to its own account",
}


def operations_without_denial_test(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """Signed-in operations that no test both calls and expects a refusal (403, 404 or an empty list) from.
    Anonymous callers (401) are covered for every operation at once by test_api_parity."""
    tests = [(name, src) for name, src in test_functions() if REFUSED.search(src)]
    missing = []
    for method, path, public in operations(schema):
        if public or (method, path) in ABOUT_THE_CALLER:
            continue
        pattern = _path_pattern(path)
        # an app's own tests may name its operations relative to /api/<app> (through a small request helper)
        app, _sep, rest = path.removeprefix("/api/").partition("/")
        local = _path_pattern("/" + rest) if rest else None
        if not any(
            pattern.search(src) or (local is not None and name.startswith(f"{app}/") and local.search(src))
            for name, src in tests
        ):
            missing.append((method, path))
    return missing
