"""Ingestion: files in, clean structured passages with full citations out."""
from ingest.pipeline import parse_file, parse_text

__all__ = ["parse_file", "parse_text"]
