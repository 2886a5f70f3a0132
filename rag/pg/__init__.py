"""The PostgreSQL + pgvector index backend (optional: pip install 'rag-cited[postgres]')."""
