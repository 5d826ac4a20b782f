"""Documents rendered in the background (issue 12, "Report documents"): create a job, follow it, download its file.

The synchronous ``GET …/results?format=pdf`` stays for small networks; the screen uses jobs, so a 200-school PDF
never holds a request (or the gateway's deadline) while WeasyPrint lays it out.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from mejora_common.auth import CurrentPrincipal
from mejora_common.db import DbSession
from mejora_common.versioning import etag

from ..render.responses import CSV_TYPE, PDF_TYPE, XLSX_TYPE, csv_response, pdf_response, xlsx_response
from ..schemas.jobs import JobOut, ResultsJobIn
from ..service.jobs import create_results_job, get_job, get_job_file, job_out, job_url
from .deps import SIBLING_REPORT_503, CallerToken, CancellationDep, SettingsDep, SiblingsDep

router = APIRouter(prefix="/api/v1/reports", tags=["trabajos en segundo plano"])

CREATE_DESCRIPTION = """
Pide el documento de los resultados de la red (PDF, XLSX o CSV) como un trabajo en segundo plano: responde 202 con
el trabajo (`Location`: dónde seguir su avance) y un proceso de trabajos lo genera. Las cifras se leen al crearlo, con
las mismas reglas de `GET …/results`: salvo la coordinación, todas las personas leen solo resultados publicados
(404 `no_release` si no hay); quien no es miembro de la red recibe 404. Acepta `Idempotency-Key`: un reintento con la
misma clave devuelve el mismo trabajo.
"""

FILE_RESPONSES = {
    200: {"content": {PDF_TYPE: {}, XLSX_TYPE: {}, CSV_TYPE: {}}, "description": "El archivo del trabajo"},
    404: {"description": "El trabajo no existe o no es tuyo"},
    409: {"description": "`job_not_done`: aún se genera; `job_failed`: no se generó (ver `error` del trabajo)"},
    410: {"description": "`job_expired`: el archivo pasó su plazo de conservación y se borró"},
}


@router.post(
    "/networks/{network_id}/results/jobs",
    response_model=JobOut,
    status_code=202,
    summary="Generar el documento de resultados en segundo plano",
    description=CREATE_DESCRIPTION,
    responses={
        404: {"description": "La red no existe o no eres miembro; `no_release`: aún no hay resultados publicados"},
        503: SIBLING_REPORT_503,
    },
)
async def create_results_document(
    network_id: uuid.UUID,
    body: ResultsJobIn,
    *,
    response: Response,
    principal: CurrentPrincipal,
    token: CallerToken,
    siblings: SiblingsDep,
    settings: SettingsDep,
    cancel: CancellationDep,
    session: DbSession,
) -> JobOut:
    job = await create_results_job(
        session, siblings, principal, network_id, body, caller_token=token, k=settings.min_group_size, cancel=cancel
    )
    response.headers["Location"] = job_url(job.id)
    response.headers["ETag"] = etag(job.version)
    return job_out(job)


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    summary="Estado y avance de un trabajo",
    description="Lo leen quien lo creó y la coordinación de su red; los demás reciben 404. `progress` va de 0 a 100 "
    "y `message` dice en qué está; con `done`, `file_url` lleva al archivo.",
    responses={404: {"description": "El trabajo no existe o no es tuyo"}},
)
def job_status(job_id: uuid.UUID, response: Response, principal: CurrentPrincipal, session: DbSession) -> JobOut:
    job = get_job(session, principal, job_id)
    response.headers["ETag"] = etag(job.version)
    response.headers["Cache-Control"] = "private, no-store"
    return job


@router.get(
    "/jobs/{job_id}/file",
    summary="Descargar el archivo de un trabajo terminado",
    description="Lo descargan quien creó el trabajo y la coordinación de su red. 409 mientras no esté listo.",
    responses=FILE_RESPONSES,  # type: ignore[arg-type]
    response_class=Response,
)
def job_file(job_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession) -> Response:
    body, content_type, filename = get_job_file(session, principal, job_id)
    if content_type == PDF_TYPE:
        return pdf_response(body, filename)
    if content_type == XLSX_TYPE:
        return xlsx_response(body, filename)
    return csv_response(body, filename)
