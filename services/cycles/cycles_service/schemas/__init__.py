"""Request and response models of the cycles service API."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="Segundos de validez del token de acceso")
    refresh_token: str | None = Field(
        default=None, description="Ausente cuando el token de renovación va en la cookie (aplicación web)"
    )


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=10)


class MembershipRead(BaseModel):
    network_id: uuid.UUID
    network_name: str
    person_id: uuid.UUID
    role: str
    school_id: uuid.UUID | None
    school_name: str | None


class MeRead(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: str
    memberships: list[MembershipRead]


class NetworkRead(BaseModel):
    id: uuid.UUID
    name: str
    slep: str
    description: str
    created_at: datetime
    my_role: str = Field(description="Rol de quien consulta en esta red")
    school_count: int
    people_count: int
