"""Batch runs: the engines around the per-source function `jixiao.pipeline.process_file`.

`run` holds OUT (one run at a time), plans the run from the manifest (skip unchanged
sources, drop removed ones), hands the rest to an engine (`local` process pool or `dask`),
records each finished source in the manifest and builds the Parquet tables and the panel.
"""

from jixiao.batch.options import RunOptions, RunSummary
from jixiao.batch.runner import run, run_batch

__all__ = ["RunOptions", "RunSummary", "run", "run_batch"]
