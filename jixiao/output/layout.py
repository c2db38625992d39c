"""Where a run's tables go in OUT (light: no pyarrow, so a run can check them cheaply)."""

from __future__ import annotations

from pathlib import Path

PANEL_FILE = "targets_vs_actuals.parquet"  # the analyst's panel (jixiao.output.panel)


def table_paths(out: Path, partition_by: str | None) -> list[Path]:
    """The paths the tables of a run take (files, or folders when partitioned)."""
    names = ["forms", "indicators"]
    split = [out / n for n in names] if partition_by else [out / f"{n}.parquet" for n in names]
    return [*split, out / "errors.parquet"]
