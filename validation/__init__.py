"""Comparison of zoo results with reference values and across backends."""
