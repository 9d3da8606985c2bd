"""Everyday tools on top of the engine and the API's parameter table: generating and recognizing files, in
process or through a server with the SDK, shared by the ``generate``/``recognize``/``scan`` commands and the MCP
tools."""
