"""Rebuilding the judge's shipped models: data loading, cross-validation, training scripts. Not part
of the installed package; run from the repository."""
