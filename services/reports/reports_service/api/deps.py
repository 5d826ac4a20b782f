"""Dependencies shared by the routers: the sibling services' clients and the caller's token."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Request

from mejora_common.auth import bearer_token

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


SiblingsDep = Annotated[Siblings, Depends(get_siblings)]
CallerToken = Annotated[str, Depends(get_token)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

ReportFormat = Literal["json", "html", "pdf", "csv", "xlsx", "svg", "png"]
