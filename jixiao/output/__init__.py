"""Stage 4: write results (JSON per source, Parquet tables). Only writes; never parses."""

from jixiao.output.json_out import json_path, write_json
from jixiao.output.parquet import write_tables

__all__ = ["json_path", "write_json", "write_tables"]
