"""Helpers of bench/tierbench.py (issue 15's measurements): spawning and measuring one run,
the engines' command lines, the workloads, the tables."""
