"""Performance benchmarks of pav-graph at 10 … 10,000 cases (see docs/benchmarks.md)."""
