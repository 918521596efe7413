"""Planning debug containers: plain functions, no I/O."""
