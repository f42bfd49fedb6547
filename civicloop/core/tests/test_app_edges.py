"""No two domain apps import each other (issue #10): every edge between apps goes one way; where a lower app needs
something of a higher one, the higher app registers it in the lower app's `hooks` module at start."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[3]


def _domain_apps() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "domain-apps")
    return list(contract["modules"])


def _imports(graph: grimp.ImportGraph, source: str, target: str) -> list[str]:
    found = []
    for importer in graph.find_descendants(source) | {source}:
        if ".tests" in importer or ".migrations" in importer:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported == target or imported.startswith(target + "."):
                found.append(f"{importer} -> {imported}")
    return found


def test_no_two_domain_apps_import_each_other() -> None:
    graph = grimp.build_graph("civicloop", include_external_packages=False)
    apps = _domain_apps()
    assert len(apps) >= 10  # the contract lists the domain apps
    both_ways = []
    for a, b in itertools.combinations(apps, 2):
        there, back = _imports(graph, a, b), _imports(graph, b, a)
        if there and back:
            both_ways.append((there[:2], back[:2]))
    assert not both_ways, both_ways
