"""Measuring the grooming detector: streaming runs, author-level and early-warning figures,
cross-validation grouped by predator. Used by `childsafe train`, `eval` and `bench`."""
