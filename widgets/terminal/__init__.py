"""An embedded terminal: virtual terminal engine, key encoding and the Textual widget."""
