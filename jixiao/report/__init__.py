"""`jixiao report OUT`: a static HTML review report in OUT/report/ (Jinja2, no server)."""

from jixiao.report.builder import build_report

__all__ = ["build_report"]
