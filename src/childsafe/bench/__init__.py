"""Benchmarks that print measured figures (never run as timed tests)."""
