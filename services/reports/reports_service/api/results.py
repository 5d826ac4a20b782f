"""Network results for learning sessions (``/api/v1/reports/networks/{id}/results``) and its waves."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from mejora_common.auth import CurrentPrincipal, accepts_integrations
from mejora_common.db import DbSession

from ..render.html import render_html
from ..render.pdf import html_to_pdf
from ..render.responses import CSV_TYPE, PDF_TYPE, XLSX_TYPE, csv_response, html_response, pdf_response, xlsx_response
from ..render.tabular import to_csv, to_xlsx
from ..schemas.results import NetworkResultsReport, WavesOut
from ..service.results import build_results, list_waves
from ..service.results_tables import RESULTS_HEADER, result_rows, result_sheets
from .deps import SIBLING_REPORT_503, CallerToken, CancellationDep, SettingsDep, SiblingsDep

router = APIRouter(prefix="/api/v1/reports/networks", tags=["resultados de la red"])

WAVE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$"

RESULTS_DESCRIPTION = """
Por dominio y dimensión: número de aulas, promedio, desviación estándar y distribución por nivel de desempeño
(bajo / medio / alto), para toda la red, por nivel y por establecimiento. **Todo grupo con menos de k aulas
(k = 5 por omisión) se suprime** y se marca como tal, sin ninguna cifra. Con `compare`, el cambio pareado entre
dos mediciones (solo aulas observadas en ambas) con su DE y el tamaño del efecto d_z de Cohen. Incluye la actividad
PHEA de la red (ciclos por etapa y por decisión, por establecimiento) y un gráfico por dominio.

Quién ve qué (docs/architecture.md, "Users and roles"): coordinación, facilitación y acompañantes ven la red, los
niveles y cada
establecimiento; la dirección ve la red, los niveles y **solo su establecimiento** (si tiene al menos k aulas);
las docentes ven los agregados de la red y de los niveles; una integración (sistema del SLEP) con el permiso
`aggregates:read` ve lo mismo que facilitación. Quien no es miembro de la red recibe 404.

**Publicaciones** (docs/privacy.md): salvo la coordinación de la red, todas las personas (y las integraciones) leen
solo resultados publicados — la última publicación de la ola, o la que indique `release` —; sin publicación la
respuesta es 404 `no_release` («Aún no hay resultados publicados para esta ola»). La coordinación ve por omisión la
vista en vivo, marcada como tal en `source`, y puede leer cualquier publicación con `release`. Un grupo que no pudo
actualizarse trae `from_release` y se muestra «según la publicación N».

Formatos: `json`, `html`, `pdf` (A4), `csv` (UTF-8 con BOM, separado por `;`, coma decimal) y `xlsx`.
"""


@router.get(
    "/{network_id}/results",
    response_model=NetworkResultsReport,
    summary="Resultados de la red para una sesión de aprendizaje",
    description=RESULTS_DESCRIPTION,
    responses={
        200: {
            "content": {"text/html": {}, PDF_TYPE: {}, CSV_TYPE: {}, XLSX_TYPE: {}},
            "description": "Los resultados en el formato pedido",
        },
        404: {"description": "La red no existe o no eres miembro; `no_release`: aún no hay resultados publicados"},
        503: SIBLING_REPORT_503,
    },
)
@accepts_integrations  # with aggregates:read (checked in build_results)
async def network_results(
    network_id: uuid.UUID,
    *,
    principal: CurrentPrincipal,
    token: CallerToken,
    siblings: SiblingsDep,
    settings: SettingsDep,
    cancel: CancellationDep,
    wave: Annotated[str, Query(pattern=WAVE_PATTERN, description="Medición, p. ej. 2024-2", examples=["2024-2"])],
    compare: Annotated[
        str | None, Query(pattern=WAVE_PATTERN, description="Medición anterior con que comparar, p. ej. 2024-1")
    ] = None,
    instrument: Annotated[
        str | None, Query(max_length=60, description="Código del instrumento (por omisión, el más usado)")
    ] = None,
    format: Annotated[Literal["json", "html", "pdf", "csv", "xlsx"], Query(description="Formato")] = "json",
    release: Annotated[
        int | None,
        Query(
            ge=1, le=1_000_000, description="Número de la publicación (por omisión, la última; coordinación: en vivo)"
        ),
    ] = None,
    session: DbSession,
) -> Any:
    report = await build_results(
        siblings,
        principal,
        network_id,
        caller_token=token,
        wave=wave,
        compare=compare,
        k=settings.min_group_size,
        instrument_code=instrument,
        cancel=cancel,
        session=session,
        release=release,
    )
    name = f"resultados-{report.network.name}-{wave}" + (f"-vs-{compare}" if compare else "")
    if format == "json":
        return report
    await cancel.check(f"rendering the results as {format}")
    if format == "csv":
        return csv_response(to_csv(RESULTS_HEADER, result_rows(report)), name)
    if format == "xlsx":
        body = await run_in_threadpool(to_xlsx, result_sheets(report), title=f"Resultados {report.network.name}")
        return xlsx_response(body, name)
    html = render_html("results.html.j2", r=report)
    if format == "html":
        return html_response(html)
    return pdf_response(await run_in_threadpool(html_to_pdf, html), name)


@router.get(
    "/{network_id}/waves",
    response_model=WavesOut,
    summary="Mediciones con observaciones enviadas en la red",
    responses={404: {"description": "La red no existe o no eres miembro"}, 503: SIBLING_REPORT_503},
    description="Las mediciones (p. ej. 2024-1) con cuántas observaciones enviadas tiene cada una, la más reciente "
    "primero; solo conteos, sin puntajes. Quien no es miembro de la red recibe 404.",
)
@accepts_integrations  # with aggregates:read (checked in list_waves)
async def network_waves(
    network_id: uuid.UUID,
    principal: CurrentPrincipal,
    siblings: SiblingsDep,
    cancel: CancellationDep,
    session: DbSession,
) -> WavesOut:
    return await list_waves(siblings, principal, network_id, cancel, session)
