"""The PHEA learning log of a network (``/api/v1/reports/networks/{id}/cycles-log``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from mejora_common.auth import CurrentPrincipal
from mejora_common.errors import not_found

from ..render.html import render_html
from ..render.pdf import html_to_pdf
from ..render.responses import PDF_TYPE, html_response, pdf_response
from ..schemas.cycles_log import CyclesLog
from ..service.cycles_log import build_cycles_log
from .deps import SIBLING_REPORT_503, CallerToken, CancellationDep, SiblingsDep

router = APIRouter(prefix="/api/v1/reports/networks", tags=["bitácora PHEA"])


@router.get(
    "/{network_id}/cycles-log",
    response_model=CyclesLog,
    summary="Bitácora de ciclos PHEA de la red",
    description=(
        "Cada ciclo agrupado por impulsor e idea de cambio, con sus preguntas, predicciones, resultados y decisión; "
        "las rampas en orden. Se lee con los permisos de quien consulta: muestra los ciclos que esa persona puede "
        "ver en el servicio de ciclos. Formatos: `html`, `pdf` (A4) y `json`."
    ),
    responses={
        200: {"content": {"text/html": {}, PDF_TYPE: {}}, "description": "La bitácora"},
        404: {"description": "La red no existe o no eres miembro"},
        503: SIBLING_REPORT_503,
    },
)
async def cycles_log(
    network_id: uuid.UUID,
    *,
    principal: CurrentPrincipal,
    token: CallerToken,
    siblings: SiblingsDep,
    cancel: CancellationDep,
    format: Annotated[Literal["html", "pdf", "json"], Query(description="html, pdf o json")] = "html",
) -> Any:
    if not principal.is_service and principal.membership(network_id) is None:
        raise not_found("La red")
    log = await build_cycles_log(siblings, network_id, token, cancel)
    if format == "json":
        return log
    await cancel.check(f"rendering the cycles log as {format}")
    html = render_html("cycles_log.html.j2", r=log)
    if format == "html":
        return html_response(html)
    return pdf_response(await run_in_threadpool(html_to_pdf, html), f"bitacora-phea-{log.network_name}")
