"""Ingestion: files in, clean structured passages with full citations out."""
from ingest.pipeline import parse_file, parse_text
from ingest.references import resolve_references

__all__ = ["parse_file", "parse_text", "resolve_references"]
