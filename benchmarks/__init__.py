"""Benchmarks: `python -m benchmarks [NAME ...] [--quick]`, one JSON object per line.

Each line has `"bench"`, its figures, `"ok"` (the run completed and lost nothing) and
`"meets_target"` (its figures reach the targets recorded in benchmarks/RESULTS.md).
"""
