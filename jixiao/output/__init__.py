"""Stage 4: write results (JSON per source, Parquet tables). Only writes; never parses."""

from jixiao.output.json_out import json_path, write_json
from jixiao.output.run_info import read_run_info, write_run_info

__all__ = ["json_path", "read_run_info", "write_json", "write_run_info"]
