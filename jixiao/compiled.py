"""Which modules of this installation run compiled (mypyc, see setup.py).

A build compiles the text path into extension modules that sit beside their sources. Python
imports an extension module before a source of the same name, so in a checkout an edited
source is shadowed by its old build until the next one (`make test` rebuilds): `stale()`
names such modules, and the test session refuses to start on them.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


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
    """The compiled sources edited since their last build. The code of every compiled module
    is in one shared library (`_compiled__mypyc`); a module's own extension is a shim that a
    build rewrites only when the module appears or goes."""
    shared = [path for path in PACKAGE.glob("*__mypyc*") if path.suffix in (".so", ".pyd")]
    found = []
    for source in compiled():
        built = [_extension_of(source), *shared]
        last_build = max(path.stat().st_mtime for path in built if path is not None)
        if last_build < source.stat().st_mtime:
            found.append(source)
    return found


def describe() -> str:
    """'text path compiled: N modules' or 'pure Python', for `jixiao --version`."""
    count = len(compiled())
    return f"text path compiled: {count} modules" if count else "pure Python"
