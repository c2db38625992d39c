"""Which modules of this installation run compiled (mypyc, see setup.py).

A build compiles the text path into extension modules that sit beside their sources. Python
imports an extension module before a source of the same name, so in a checkout an edited
source is shadowed by its old build until the next one (`make test` rebuilds): `stale()`
names such modules, and the test session refuses to start on them.

`compiled_sources()` is the one list of what a build compiles: setup.py loads this file to
build them, and the Makefile runs it (`python3 jixiao/compiled.py`) to know when to rebuild.
Those modules keep every module-level constant `Final` (tests/test_contract.py): compiled, a
Final name is a C variable, any other a lookup in the module's dict at each use.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

# the per-text hot path: the row recognizer, the normalizers, the text helpers and what they
# ask of the older parsers (cell types, head fields, the form assembler), and the Final names
# of the role enums (roles.py); forms.py stays Python (it only orchestrates, and tests replace
# its decoder with a spy)
_COMPILED_FOLDERS = ("parsers/recognizer", "normalizers")
_COMPILED_FILES = (
    "roles.py",
    "text.py",
    "parsers/cells.py",
    "parsers/header.py",
    "parsers/metadata.py",
    "parsers/tabular.py",
)
_NEVER_COMPILED = ("__init__.py", "forms.py")


def compiled_sources(package: Path = PACKAGE) -> list[Path]:
    """The modules a build compiles, in a stable order."""
    found = [
        path
        for folder in _COMPILED_FOLDERS
        for path in (package / folder).glob("*.py")
        if path.name not in _NEVER_COMPILED
    ]
    files = [package / name for name in _COMPILED_FILES]
    return sorted(found + [path for path in files if path.exists()])


def _extension_of(source: Path) -> Path | None:
    for suffix in EXTENSION_SUFFIXES:
        built = source.with_name(source.stem + suffix)
        if built.exists():
            return built
    return None


def compiled() -> list[Path]:
    """The sources of the package that have a compiled module beside them."""
    return [
        source
        for source in sorted(PACKAGE.rglob("*.py"))
        if source.name != "__init__.py" and _extension_of(source) is not None
    ]


def stale() -> list[Path]:
    """The sources a build of this package must compile again: edited since its last build,
    or listed by `compiled_sources()` and not built yet. The code of every compiled module is
    in one shared library (`_compiled__mypyc`); a module's own extension is a shim that a
    build rewrites only when the module appears or goes. Nothing is stale in a package that
    has no compiled module (a pure Python install)."""
    built = compiled()
    if not built:
        return []
    shared = [path for path in PACKAGE.glob("*__mypyc*") if path.suffix in (".so", ".pyd")]
    found = [source for source in compiled_sources(PACKAGE) if source not in built]
    for source in built:
        extensions = [_extension_of(source), *shared]
        last_build = max(path.stat().st_mtime for path in extensions if path is not None)
        if last_build < source.stat().st_mtime:
            found.append(source)
    return sorted(found)


def describe() -> str:
    """'text path compiled: N modules' or 'pure Python', for `jixiao --version`."""
    count = len(compiled())
    return f"text path compiled: {count} modules" if count else "pure Python"


if __name__ == "__main__":  # for the Makefile: the compiled sources, relative to the checkout
    print(" ".join(str(path.relative_to(PACKAGE.parent)) for path in compiled_sources()))
