"""Helpers shared by the tests (not test modules)."""
