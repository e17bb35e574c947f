"""Label and type names in the Python code: only where the model cannot say it, and
always ones the model declares (a label renamed in model.yaml must not leave a string
behind that silently matches nothing)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from graph.model import load_model
from graph.workspace import LEGACY_RECORD_LABELS

ROOT = Path(__file__).resolve().parents[2]
#: The guard and the Neo4j engine speak Cypher keywords and server error codes, which
#: look like labels and types and are not.
SPEAKS_CYPHER = {ROOT / "graph" / "store" / "guard.py", ROOT / "graph" / "store" / "neo4j_engine.py"}
SOURCES = [
    path
    for path in [*sorted((ROOT / "graph").rglob("*.py")), *sorted((ROOT / "ingest").rglob("*.py")),
                 *sorted((ROOT / "ui").rglob("*.py")), ROOT / "app.py"]
    if path not in SPEAKS_CYPHER
]  # fmt: skip
#: ``(n:Label)`` and ``[:TYPE]`` inside Cypher text.
IN_CYPHER = re.compile(r"[(\[]\w*:`?([A-Za-z_]\w*)`?")
#: Calls whose first argument names labels or types (the model's lookups, records, the
#: demo generator's ``node("Label", ...)`` and ``link("TYPE", ...)``).
NAMING_CALLS = {"label", "relationship", "declare_label", "declare_relationship", "NodeRecord",
                "RelationshipRecord", "node", "link", "display_expression"}  # fmt: skip
#: Module constants that list labels or types.
NAMING_CONSTANT = re.compile(r"(^|_)(LABELS?|TYPES?|CASE)$")
#: What a label (``ShellCompany``) or a type (``PAID_VIA``) looks like.
WORD = re.compile(r"^(?:[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)$")


def _words(node: ast.AST) -> list[tuple[int, str]]:
    return [
        (item.lineno, item.value)
        for item in ast.walk(node)
        if isinstance(item, ast.Constant) and isinstance(item.value, str) and WORD.match(item.value)
    ]


def _named(tree: ast.AST) -> list[tuple[int, str]]:
    """Strings in a label or type position: compared (``label == "Address"``,
    ``"Case" in labels``), passed to a naming call, or listed in a naming constant; and
    labels or types inside Cypher text."""
    found = []
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body
        and isinstance(node.body[0], ast.Expr)
    }  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            found += _words(node)
        elif isinstance(node, ast.Call):
            if (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in NAMING_CALLS:
                found += [hit for arg in node.args[:1] for hit in _words(arg)]
        elif isinstance(node, ast.Assign):
            if any(NAMING_CONSTANT.search(getattr(target, "id", "")) for target in node.targets):
                found += _words(node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "MATCH" in node.value:
            if id(node) in docstrings:
                continue
            found += [(node.lineno, name) for name in IN_CYPHER.findall(node.value)]
    return found


def test_every_label_or_type_named_in_python_is_declared_in_the_model() -> None:
    model = load_model()
    vocabulary = set(model.labels) | set(model.relationships) | set(LEGACY_RECORD_LABELS)
    strays = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in SOURCES
        for line, name in _named(ast.parse(path.read_text(encoding="utf-8")))
        if name not in vocabulary
    ]
    assert not strays, "labels or types the model does not declare:\n" + "\n".join(strays)


def test_the_check_sees_labels_where_they_hide() -> None:
    code = 'if label == "Adress": pass\nq = "MATCH (n:Shel)-[:OWNZ]->()"\nNodeRecord(("Supplyer",), "k")'
    assert {name for _, name in _named(ast.parse(code))} >= {"Adress", "Shel", "OWNZ", "Supplyer"}


def test_flags_say_what_the_code_used_to_list() -> None:
    model = load_model()
    assert model.resolvable_labels() == ["Address", "Company", "Person", "SalesChannel", "ShellCompany", "Supplier"]
    assert model.labels_with_role("identifier") == ["Address", "Domain", "Email", "PaymentAccount", "Phone"]
    assert model.label("Phone").evidence > model.label("Address").evidence
