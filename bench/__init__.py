"""The performance benchmark: `make bench` / `python -m bench`.

See docs/deployment-and-scale.md, Benchmark.
"""
