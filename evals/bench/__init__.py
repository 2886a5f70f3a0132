"""Benchmarks: ingest and query speed against the bare limit and a peer, from 1k to 1M passages."""
