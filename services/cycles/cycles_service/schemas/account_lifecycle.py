"""Requests and answers of the account lifecycle: invitations, password reset, account state, second factor."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from ..service.bootstrap import MIN_PASSWORD_LENGTH

MAX_PASSWORD_LENGTH = 200
LinkToken = Field(min_length=20, max_length=200, description="El código del enlace recibido por correo")
NewPassword = Field(
    min_length=MIN_PASSWORD_LENGTH,
    max_length=MAX_PASSWORD_LENGTH,
    json_schema_extra={"format": "password"},
    description=f"Al menos {MIN_PASSWORD_LENGTH} caracteres",
)


class InvitationRead(BaseModel):
    person_id: uuid.UUID
    email: str
    status: Literal["sent", "linked"] = Field(
        description="`sent`: se envió un enlace de invitación; `linked`: la persona ya tenía cuenta con ese correo, "
        "se agregó a la red y se le avisó"
    )
    expires_at: datetime | None = Field(description="Vencimiento del enlace (`sent`)")


class LinkRequest(BaseModel):
    token: str = LinkToken


class InvitationInfo(BaseModel):
    email: str
    name: str
    network_name: str
    expires_at: datetime


class SetPasswordRequest(BaseModel):
    token: str = LinkToken
    password: str = NewPassword


class PasswordResetRequest(BaseModel):
    email: str = Field(min_length=3, max_length=254)


class PasswordResetAccepted(BaseModel):
    detail: str


class AccountStatus(BaseModel):
    person_id: uuid.UUID
    has_account: bool
    is_active: bool
    awaiting_password: bool = Field(description="Invitada: todavía no elige su contraseña")
    invitation_expires_at: datetime | None = Field(description="Vencimiento de la invitación pendiente, si hay una")
    mfa_enabled: bool
    version: int


class AccountStatusUpdate(BaseModel):
    is_active: bool


class MfaStatus(BaseModel):
    enabled: bool
    required: bool = Field(description="Su rol exige segundo factor (MEJORA_REQUIRE_MFA_FOR)")
    pending_enrolment: bool
    recovery_codes_left: int


class MfaEnrolment(BaseModel):
    secret: str = Field(description="Clave en base32 para escribirla en la aplicación de autenticación")
    otpauth_uri: str = Field(description="La misma clave como URI otpauth:// (para un código QR)")


class MfaCode(BaseModel):
    code: str = Field(min_length=6, max_length=12, description="Código de 6 dígitos de la aplicación")


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(description="Diez códigos de un solo uso; se muestran solo esta vez")


class MfaChallenge(BaseModel):
    mfa_token: str = Field(min_length=20, max_length=200, description="El `mfa_token` de la respuesta `mfa_required`")


class MfaChallengeCode(MfaChallenge):
    code: str | None = Field(default=None, min_length=6, max_length=12, description="Código de la aplicación")
    recovery_code: str | None = Field(default=None, min_length=6, max_length=40, description="O un código de respaldo")


class MfaEnrolmentConfirmed(BaseModel):
    """Enrolment during a login: the recovery codes and the session the login asked for."""

    recovery_codes: list[str]
