"""Rendering of reports: SVG charts, HTML (Jinja2), PDF (WeasyPrint), CSV and XLSX."""
