"""Benchmarks: scripts that print their figures (see bench/README.md). Run them as `python -m bench.NAME`."""
