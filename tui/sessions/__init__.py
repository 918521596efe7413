"""The life of a terminal session to a container, without any UI (`runner.py`: SessionRunner)."""
