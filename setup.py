"""Build hook: the text path compiled to C with mypyc (everything else is in pyproject.toml).

The row recognizer and the normalizers do most of the work of reading a text; compiled, they
read a clean table about twice as fast and messy text about a quarter faster, exactly as the
Python modules do (tests/test_compiled.py compares the two on every sample and a perturbation
seed). The modules stay plain Python in the source
tree: a build without a C compiler, or with JIXIAO_PURE=1, installs them as they are.

`make setup` builds them in place for a checkout; `make test` rebuilds them when a compiled
source changes (a stale extension module would shadow the edited source).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).resolve().parent


def _compiled_sources() -> list[str]:
    """jixiao/compiled.py's list, loaded by path: importing the package needs its
    dependencies, which an isolated build does not have."""
    spec = importlib.util.spec_from_file_location(
        "_jixiao_compiled", ROOT / "jixiao" / "compiled.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [str(path.relative_to(ROOT)) for path in module.compiled_sources(ROOT / "jixiao")]


# mypyc type-checks what it compiles. `make lint` runs the strict check; an isolated build
# has no pydantic or rich installed, so what their absence makes an error is allowed here.
BUILD_CHECK = [
    "--ignore-missing-imports",
    "--allow-subclassing-any",
    "--no-warn-unused-ignores",
    "--no-warn-return-any",
]


def compiled_extensions() -> list[object]:
    if os.environ.get("JIXIAO_PURE") == "1":
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # mypy is a build requirement; a bare `setup.py` call may lack it
        return []
    old = Path.cwd()
    os.chdir(ROOT)  # mypyc resolves the module paths from the current folder
    try:
        extensions = mypycify(
            [*_compiled_sources(), *BUILD_CHECK], opt_level="3", group_name="jixiao._compiled"
        )
    finally:
        os.chdir(old)
    for extension in extensions:
        extension.optional = True  # no C compiler: the Python modules are installed as they are
    return list(extensions)


setup(ext_modules=compiled_extensions())
