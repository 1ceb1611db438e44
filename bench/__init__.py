"""Benchmarks: data generators and measurements printed as tables (not part of ``make test``)."""
