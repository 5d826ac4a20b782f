"""Teacher feedback on an observation and a teacher's trajectory (``/api/v1/reports/...``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from mejora_common.auth import CurrentPrincipal
from mejora_common.service_client import delegation_purpose

from ..render.html import render_html
from ..render.pdf import html_to_pdf
from ..render.responses import PDF_TYPE, html_response, pdf_response
from ..schemas.feedback import FeedbackReport, TeacherTrajectory
from ..service.feedback import build_feedback
from ..service.trajectory import build_trajectory
from .deps import SIBLING_REPORT_503, CallerToken, CancellationDep, SiblingsDep

router = APIRouter(prefix="/api/v1/reports", tags=["devolución a docentes"])

FEEDBACK_DESCRIPTION = """
**Tres fortalezas antes de un área prioritaria.** Fortalezas: las tres dimensiones con mayor puntaje ajustado
(en dimensiones inversas como Clima negativo, mín + máx − promedio), empates por el orden del instrumento. Área
prioritaria: la dimensión de menor puntaje ajustado que no es fortaleza, dentro del dominio foco de la meta de la
red cuando la meta nombra uno. Incluye la evidencia registrada para esas cuatro dimensiones, las ideas de cambio de
la red etiquetadas con la dimensión prioritaria y, si la docente tiene una observación anterior con el mismo
instrumento, el cambio por dimensión.

Todo se lee **con los permisos de quien consulta**: el servicio de observaciones decide quién puede ver los
puntajes (la docente, quien observó y la coordinación de la red); para las demás personas la observación no
existe (404). El informe no contiene nada sobre otras docentes. Cada lectura queda en el registro de accesos de la
docente («Quién vio mis datos»), con el nombre de quien consulta, salvo las de la propia docente.
"""


@router.get(
    "/observations/{observation_id}/feedback",
    response_model=FeedbackReport,
    summary="Devolución de una observación a la docente",
    description=FEEDBACK_DESCRIPTION,
    responses={
        200: {"content": {"text/html": {}, PDF_TYPE: {}}, "description": "La devolución (JSON, HTML o PDF)"},
        404: {"description": "La observación no existe o no tienes acceso"},
        409: {"description": "La observación aún no tiene puntajes"},
        503: SIBLING_REPORT_503,
    },
)
async def observation_feedback(
    observation_id: uuid.UUID,
    *,
    _principal: CurrentPrincipal,
    token: CallerToken,
    siblings: SiblingsDep,
    cancel: CancellationDep,
    format: Annotated[Literal["json", "html", "pdf"], Query(description="json, html o pdf")] = "json",
) -> Any:
    marker = delegation_purpose.set("feedback")  # the observations service logs these reads as feedback
    try:
        report = await build_feedback(siblings, observation_id, token, cancel)
    finally:
        delegation_purpose.reset(marker)
    if format == "json":
        return report
    await cancel.check(f"rendering the feedback as {format}")
    html = render_html("feedback.html.j2", r=report)
    if format == "html":
        return html_response(html)
    pdf = await run_in_threadpool(html_to_pdf, html)
    return pdf_response(pdf, f"devolucion-{report.teacher.name}-{report.observation.observed_on.isoformat()}")


@router.get(
    "/teachers/{teacher_id}/trajectory",
    response_model=TeacherTrajectory,
    summary="Trayectoria de una docente: sus puntajes por dimensión en el tiempo",
    description=(
        "Las observaciones enviadas de la docente que quien consulta puede ver (la docente, quien observó, la "
        "coordinación), en orden de fecha, con el puntaje de cada dimensión y dominio. Cada lectura queda en el "
        "registro de accesos de la docente, salvo las de ella misma."
    ),
    responses={
        404: {"description": "La docente no existe o no tienes acceso a sus observaciones"},
        503: SIBLING_REPORT_503,
    },
)
async def teacher_trajectory(
    teacher_id: uuid.UUID,
    *,
    principal: CurrentPrincipal,
    token: CallerToken,
    siblings: SiblingsDep,
    cancel: CancellationDep,
    network_id: Annotated[uuid.UUID | None, Query(description="Solo las observaciones de esta red")] = None,
) -> TeacherTrajectory:
    marker = delegation_purpose.set("trajectory")  # the observations service logs these reads as a trajectory
    try:
        return await build_trajectory(siblings, principal, teacher_id, token, network_id, cancel=cancel)
    finally:
        delegation_purpose.reset(marker)
