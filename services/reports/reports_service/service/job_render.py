"""What a worker renders for each kind of job, reusing the synchronous endpoints' renderers.

The document's figures were read when the job was created, with its creator's rights (``service/jobs.py``): the
worker only lays them out, so it needs no token and calls no sibling service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain.jobs import RESULTS_STEPS
from ..render.html import render_html
from ..render.pdf import html_to_pdf
from ..render.responses import CSV_TYPE, PDF_TYPE, XLSX_TYPE
from ..render.tabular import to_csv, to_xlsx
from ..schemas.results import NetworkResultsReport
from .results_tables import RESULTS_HEADER, result_rows, result_sheets

#: Called at each step of ``domain.jobs.RESULTS_STEPS`` (by its key).
OnStep = Callable[[str], None]

CONTENT_TYPES = {"pdf": PDF_TYPE, "xlsx": XLSX_TYPE, "csv": CSV_TYPE}


class UnknownJobError(ValueError):
    """A job of a kind or format this worker cannot render (a newer API wrote it)."""


def render_results(payload: dict[str, Any], fmt: str, on_step: OnStep) -> bytes:
    """The network results document in ``fmt``, from the report stored in the job."""
    report = NetworkResultsReport.model_validate(payload["report"])
    if fmt == "csv":
        on_step("tabular")
        return to_csv(RESULTS_HEADER, result_rows(report))
    if fmt == "xlsx":
        on_step("tabular")
        return to_xlsx(result_sheets(report), title=f"Resultados {report.network.name}")
    if fmt == "pdf":
        on_step("html")
        html = render_html("results.html.j2", r=report)
        on_step("layout")
        return html_to_pdf(html)
    raise UnknownJobError(fmt)


RENDERERS: dict[str, Callable[[dict[str, Any], str, OnStep], bytes]] = {"results": render_results}
STEPS = {"results": RESULTS_STEPS}


def render(kind: str, fmt: str, payload: dict[str, Any], on_step: OnStep) -> tuple[bytes, str]:
    """The file of a job and its content type."""
    renderer = RENDERERS.get(kind)
    if renderer is None or fmt not in CONTENT_TYPES:
        raise UnknownJobError(f"{kind}/{fmt}")
    return renderer(payload, fmt, on_step), CONTENT_TYPES[fmt]
