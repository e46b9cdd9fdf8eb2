"""The wire: the WebSockets, their reads and writes, one open connection, and the protocol's frames."""
