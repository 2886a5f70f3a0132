"""Thin FastAPI routers, one per capability, over the library's RagService."""
