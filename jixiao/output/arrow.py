"""pyarrow as jixiao's own processes load it: without numpy, converting without pandas.

When they are installed, pyarrow imports numpy as it loads (0.07 s of a run's start and 0.17 s
of CPU, in its main process before the workers fork, and 12 MiB in every process) and pandas
at its first conversion of Python values to Arrow (0.2 s), only to tell their objects from
lists. A run needs neither: it gives Arrow lists of Python values and reads Parquet back into
Python values. With the package hidden while pyarrow loads or converts, pyarrow goes on as
where it is not installed (configurations it supports), and the package itself stays
importable.

What pyarrow loaded without numpy cannot do is hand its data to numpy or pandas (`to_numpy`,
`to_pandas`, pandas' Arrow-backed strings). So only processes of jixiao's own that never do
that load it so: the CLI's `jixiao run`, whose local workers inherit it. In those workers
camelot builds pandas frames and reads the same grids (tests/test_pdf.py). A library caller's
process, which may ask for a DataFrame later, loads pyarrow as usual.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from types import ModuleType


class _Hidden:
    """An import finder that finds none of the packages `names`."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def find_spec(
        self, name: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


@contextmanager
def _hidden(*names: str) -> Iterator[None]:
    finder = _Hidden(*names)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def convert_without_pandas() -> None:
    """Make this process's first conversion of Python values to Arrow with pandas hidden.

    pyarrow then goes on as where pandas is not installed, and still imports pandas when
    asked for a DataFrame. For processes that are jixiao's own (a run's workers, the CLI): a
    library caller's process may convert pandas objects later, which pyarrow would then read
    as plain sequences. Nothing to do where pandas is loaded."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    with _hidden("pandas"):
        pa.array([], pa.string())


def load_for_run() -> None:
    """Load pyarrow (with the compute and Parquet modules a run uses) without numpy, then make
    its first conversion without pandas: what the CLI's `jixiao run` does before anything else
    (see the module docstring). pyarrow already loaded, or numpy, is left as it is."""
    if "pyarrow" not in sys.modules and "numpy" not in sys.modules:
        with _hidden("numpy"):
            import pyarrow  # noqa: F401
            import pyarrow.compute  # noqa: F401  (its own module imports numpy too)
            import pyarrow.parquet  # noqa: F401
    convert_without_pandas()
