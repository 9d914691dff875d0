"""Benchmarks of the portal's hot paths; run with `make bench` (see README, section Benchmark)."""
