"""The web service: a JSON API over the corpus database, and the viewer's pages, in one process.

    >>> from quotegraph.serve import create_app
    >>> app = create_app("sqlite:///news.db", token="s3cret")   # any ASGI server runs it

``quotegraph serve`` runs it with uvicorn; docs/api.md describes the endpoints.
"""

from quotegraph.serve.app import create_app, get_pipeline, get_store

__all__ = ["create_app", "get_pipeline", "get_store"]
