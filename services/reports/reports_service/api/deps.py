"""Dependencies shared by the routers: the sibling services' clients, the caller's token, the cancellation."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Request

from mejora_common.auth import bearer_token

from ..cancellation import Cancellation, StoppedWork
from ..clients import Siblings
from ..settings import Settings


def get_siblings(request: Request) -> Siblings:
    siblings: Siblings = request.app.state.siblings
    return siblings


def get_token(request: Request) -> str:
    """The caller's own bearer token (already verified by ``CurrentPrincipal``), to forward."""
    return bearer_token(request)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_cancellation(request: Request) -> Cancellation:
    """The request's cancellation: its deadline and whether its client is still there (the use cases check it)."""
    stopped: StoppedWork = request.app.state.stopped_work
    return Cancellation(is_disconnected=request.is_disconnected, stopped=stopped)


SiblingsDep = Annotated[Siblings, Depends(get_siblings)]
CallerToken = Annotated[str, Depends(get_token)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
CancellationDep = Annotated[Cancellation, Depends(get_cancellation)]

SIBLING_REPORT_503 = {
    "description": "Sobrecarga (`overloaded`), plazo vencido (`deadline_exceeded`) o un servicio del que depende "
    "no está disponible; reintenta después de `Retry-After` segundos"
}
COMPUTATION_503 = {
    "description": "Sobrecarga (`overloaded`) o plazo vencido (`deadline_exceeded`); reintenta después de "
    "`Retry-After` segundos"
}

ReportFormat = Literal["json", "html", "pdf", "csv", "xlsx", "svg", "png"]
