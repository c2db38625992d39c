"""jixiao (绩效): Chinese budget performance-target forms to a clean, validated dataset.

The public API is `__all__`: `read` one source, `run` a batch into an output folder, and
`open_dataset` a run's tables. Names are imported on first use (module `__getattr__`), so
`import jixiao` loads no reader, model or table library.
"""

from importlib import import_module

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy knows the name)
__version__ = "0.1.0"

# public name -> the module that defines it (its one home)
_HOMES = {
    "read": "jixiao.api",
    "run": "jixiao.api",
    "open_dataset": "jixiao.api",
    "Dataset": "jixiao.api",
    "RunOptions": "jixiao.batch.options",
    "RunSummary": "jixiao.batch.options",
    "SourceResult": "jixiao.models",
    "Source": "jixiao.models",
    "Form": "jixiao.models",
    "Indicator": "jixiao.models",
    "Problem": "jixiao.models",
}
__all__ = [
    "Dataset",
    "Form",
    "Indicator",
    "Problem",
    "RunOptions",
    "RunSummary",
    "Source",
    "SourceResult",
    "__version__",
    "open_dataset",
    "read",
    "run",
]

if TYPE_CHECKING:
    from jixiao.api import Dataset, open_dataset, read, run
    from jixiao.batch.options import RunOptions, RunSummary
    from jixiao.models import Form, Indicator, Problem, Source, SourceResult


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'jixiao' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
