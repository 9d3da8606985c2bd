"""The HTTP layer every router shares, below the API and identity: uvicorn's protocols with limits on a request
head, the request context (id, metrics, access log), security headers, one trailing slash, and reading a body
under a limit. It knows nothing of barcodes or tokens."""
