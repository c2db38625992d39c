"""jixiao (绩效): Chinese budget performance-target forms to a clean, validated dataset."""

__version__ = "0.1.0"
