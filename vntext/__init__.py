"""Vietnamese text helpers used by both ingestion and search: normalising, folding, document numbers."""
