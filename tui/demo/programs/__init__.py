"""What a simulated container runs: the busybox shell and its dispatcher (`shell.run_program`),
the busybox applets, `top`, and the app processes (http servers, /pause)."""
