"""The performance benchmark: `make bench` / `python -m bench` (see README, Benchmark)."""
