"""Services: the only objects the UI and the command line call (search, answers)."""
