"""Functional tests never touch the user's own Ephemera files: the private $XDG_CONFIG_HOME /
$XDG_STATE_HOME fixtures of tests/conftest.py apply to every test (autouse)."""
