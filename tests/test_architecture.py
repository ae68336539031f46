"""The architecture's rule (issue #28), checked on the source: the shared modules of
`intranet/` know no feature, and a feature builds only on the features below it. What a lower
part needs from a higher one it gets through what the higher one registers (panels, facts,
waiting work, search kinds, worker jobs, gauges), never by importing it."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "intranet"
# The features from the bottom up; a feature may import those of its own layer and below.
LAYERS = [
    {"organisations", "accounts", "audit", "mail"},  # people, the audit trail, the outbox
    {"groups", "catalogue"},  # the catalogue: organisations' services
    {"meetings"},
    {"minutes", "visits"},
    {"mailing", "strategy"},
    {"core", "report"},  # the dashboard, the pages of errors, the yearly report: they show
    # what the others register or keep
]
FEATURES = set().union(*LAYERS)
LAYER_OF = {feature: number for number, layer in enumerate(LAYERS) for feature in layer}
# Where the app is put together, which must name every feature: the factory, the models'
# registry (for Alembic) and the demo data.
COMPOSITION = {"__init__.py", "models.py", "demo.py"}


def imported_features(path: Path) -> set[str]:
    """The features a module imports, at its top or inside its functions."""
    inside = path.relative_to(PACKAGE).parts
    package = list(inside[:-1])  # the module's package below intranet/
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package, `level` - 1 up
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = [*base, *(node.module.split(".") if node.module else [])]
                names = [] if node.module else [alias.name for alias in node.names]
            elif (node.module or "").startswith("intranet."):
                target, names = node.module.split(".")[1:], []
            else:
                continue
            found.update(target[:1] if target else [n for n in names if n in FEATURES])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names
                         if alias.name.startswith("intranet."))
    return found & FEATURES


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_scanner_sees_imports_at_the_top_and_inside_functions():
    assert imported_features(PACKAGE / "demo.py") >= {"accounts", "visits", "mailing"}
    assert "groups" in imported_features(PACKAGE / "meetings" / "__init__.py")


@pytest.mark.parametrize("path", [p for p in modules() if p.parent == PACKAGE
                                  and p.name not in COMPOSITION], ids=lambda p: p.name)
def test_shared_modules_import_no_feature(path):
    assert imported_features(path) == set()


@pytest.mark.parametrize("path", [p for p in modules() if p.parent != PACKAGE],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_feature_builds_only_on_the_features_below_it(path):
    feature = path.relative_to(PACKAGE).parts[0]
    above = {other for other in imported_features(path)
             if LAYER_OF[other] > LAYER_OF[feature]}
    assert above == set(), f"{feature} (layer {LAYER_OF[feature]}) imports {above}"


def test_every_package_is_placed_in_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == FEATURES
