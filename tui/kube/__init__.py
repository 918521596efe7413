"""Cluster access: kubeconfig, API clients, watches and streams. No Textual imports here."""
