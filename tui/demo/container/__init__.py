"""What a simulated container is made of: processes and PID namespaces, stdio streams and log
buffers, the in-memory root filesystem and its /proc view, and the image catalogue."""
