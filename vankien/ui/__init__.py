"""The Gradio interface: tabs and every piece of HTML the user sees."""
