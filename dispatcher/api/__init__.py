"""The HTTP and WebSocket API of the dispatcher."""

from .app import create_app

__all__ = ["create_app"]
