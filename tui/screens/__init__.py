"""Textual screens of the application."""
