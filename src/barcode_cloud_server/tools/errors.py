"""The one error the tools raise for bad input: its message is shown to the user as it is."""


class ToolError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
