"""Command line: `vankien` and one module per group of sub-commands."""
