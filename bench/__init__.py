"""Benchmarks: ``python -m bench.<name>``; each records its figures in reports/bench.json (bench.report)."""
