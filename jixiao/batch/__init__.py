"""Batch runs: the engines around the per-source function `jixiao.pipeline.process_file`.

`run_batch` plans the run from the manifest (skip unchanged sources, drop removed ones),
hands the rest to an engine (`local` process pool or `dask`), records each finished source
in the manifest and rebuilds the Parquet tables from the per-source JSON files.
"""

from jixiao.batch.runner import run_batch

__all__ = ["run_batch"]
