"""Running the web server: what it keeps and sends (privacy) and what it loads at start (warmup)."""
