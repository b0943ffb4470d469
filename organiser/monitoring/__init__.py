"""Endpoints for the people who run the service: readiness (/readyz) and metrics (/metrics)."""
