"""Typed HTTP calls to sibling services (the observations service calls only the cycles service)."""
