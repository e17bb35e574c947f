"""Ingest: turn investigation data into graph records. The demo rings live in ``ingest.demo``."""
