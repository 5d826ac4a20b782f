"""Integration clients (API keys of SLEP systems) and the token answer of the client-credentials grant."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from .bounds import VERSION_DESCRIPTION

IntegrationScope = Literal["roster:import", "directory:read", "aggregates:read"]


def _unique(scopes: list[str]) -> list[str]:
    return sorted(set(scopes))


class IntegrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: uuid.UUID | None = Field(default=None, description="Opcional: id elegido por el cliente (reintentos seguros)")
    name: str = Field(min_length=1, max_length=120, description="Nombre del sistema, p. ej. «Sistema de matrícula»")
    scopes: Annotated[list[IntegrationScope], AfterValidator(_unique)] = Field(
        min_length=1,
        description="Permisos: `roster:import` (importar la nómina), `directory:read` (leer establecimientos y "
        "personas, sin RUN), `aggregates:read` (leer resultados agregados de la red)",
    )


class IntegrationRead(BaseModel):
    id: uuid.UUID
    network_id: uuid.UUID
    name: str
    client_id: str = Field(description="Identificador público del cliente (OAuth2 `client_id`)")
    scopes: list[str]
    created_by: uuid.UUID = Field(description="Cuenta que la creó")
    created_by_name: str | None
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="Última vez que obtuvo un token")
    active: bool
    version: int = Field(description=VERSION_DESCRIPTION)


class IntegrationCreated(IntegrationRead):
    client_secret: str | None = Field(
        description="El secreto, mostrado solo en esta respuesta (se guarda solo su hash). "
        "Nulo al repetir una creación ya hecha: el secreto no se puede volver a mostrar."
    )


class TokenResponse(BaseModel):
    """Answer of ``POST /auth/token``: a token pair for people, an access token alone for integration clients."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="Segundos de validez del token de acceso")
    refresh_token: str | None = Field(default=None, description="Solo para personas (grant `password`)")
    scope: str | None = Field(default=None, description="Permisos concedidos (grant `client_credentials`)")
