"""Benchmarks of the matching engine against its peers (see bench/README.md)."""
