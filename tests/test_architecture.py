"""The layering of docs/architecture.md holds: no import runs up the layers and no package
has an import cycle between its modules (import-linter, contracts in pyproject.toml), and the
"depends on" column of its package table is what the code imports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp

REPO_ROOT = Path(__file__).resolve().parents[1]
ARCHITECTURE = REPO_ROOT / "docs" / "architecture.md"
# A package table row: | `childsafe.<name>` | what it owns | what it imports |
_ROW = re.compile(r"^\| `childsafe\.(\w+)` \|.*\| ([^|]*) \|$")


def test_imports_keep_the_layering_and_have_no_cycle() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo", str(REPO_ROOT / "pyproject.toml")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def imported_packages() -> dict[str, set[str]]:
    """For each package (or top-level module) of childsafe, the others it imports directly."""
    graph = grimp.build_graph("childsafe", cache_dir=None)
    imports: dict[str, set[str]] = {
        child.split(".")[1]: set() for child in graph.find_children("childsafe")
    }
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if importer.count(".") and imported.count("."):
                source, target = importer.split(".")[1], imported.split(".")[1]
                if source != target:
                    imports[source].add(target)
    return imports


def documented_packages() -> dict[str, set[str]]:
    documented: dict[str, set[str]] = {}
    for line in ARCHITECTURE.read_text().splitlines():
        if match := _ROW.match(line):
            package, depends_on = match.groups()
            assert package not in documented, f"two rows for childsafe.{package}"
            names = {name.strip(" `") for name in depends_on.split(",")}
            documented[package] = names - {"nothing"}
    return documented


def test_the_package_table_says_what_each_package_imports() -> None:
    actual, documented = imported_packages(), documented_packages()
    wrong = [
        f"childsafe.{package}: documented {sorted(documented.get(package, ()))}, "
        f"imports {sorted(imports)}"
        for package, imports in sorted(actual.items())
        if documented.get(package) != imports
    ]
    wrong += [f"childsafe.{package}: no such package" for package in documented.keys() - actual]
    assert not wrong, "docs/architecture.md's package table is out of date:\n" + "\n".join(wrong)
