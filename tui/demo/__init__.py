"""The embedded demo cluster: a real HTTP + WebSocket server speaking the Kubernetes API."""
