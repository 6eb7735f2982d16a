"""Accounts, roles, login throttling and the audit log of the web server (see access.py)."""
