"""Retrieval evaluation: BEIR-layout data sets, metrics, baselines and the app's configurations."""
