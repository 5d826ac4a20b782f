"""Service functions: database reads and writes behind the routers (no HTTP here)."""
