"""The view log as the API shows it (``GET /api/v1/me/access-log``, ``GET /api/v1/observations:access-log``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class ViewLogViewer(BaseModel):
    account_id: uuid.UUID = Field(description="Cuenta, o cliente de integración, que vio los datos")
    person_id: uuid.UUID | None = Field(description="Su persona en la red (nulo si no es miembro)")
    name: str
    role: str = Field(description="Su rol en la red: coordinator, coach, … o integration, service")


class ViewLogEntryRead(BaseModel):
    """Una vez en que alguien vio datos individuales de una docente."""

    id: uuid.UUID
    viewed_at: datetime = Field(description="Cuándo (UTC)")
    network_id: uuid.UUID
    teacher_id: uuid.UUID = Field(description="La docente cuyos datos se vieron")
    viewer: ViewLogViewer
    client: str = Field(
        description="Por dónde: `web`, `integration:<id del cliente>` o el servicio que leyó en nombre de la persona "
        "(`reports`: devolución o trayectoria)"
    )
    kind: str = Field(
        description="Qué se vio: `observation`, `scores`, `amendments`, `observations` (una lista), `scores_export` "
        "(puntajes por observación), `export` (exportación en formato largo), `feedback` (una devolución, leída por el "
        "servicio de reportes), `trajectory` (la trayectoria de la docente)"
    )
    observation_ids: list[uuid.UUID] = Field(description="Las observaciones de esa docente que se vieron")
    filters: dict[str, Any] = Field(description="Los filtros de la lista o exportación")
    request_id: str | None = Field(
        description="`X-Request-ID` de la consulta (el mismo en el servicio de reportes y aquí), para auditoría"
    )
