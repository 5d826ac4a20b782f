"""Who may read and change what in a network (docs/architecture.md, "Users and roles", decided precisely here).

Every rule starts from the caller's membership in the resource's network:

* **Not a member** (and not a service): 404 for everything of that network, as if it did not exist.
* **Service principals** (a sibling service with a service token) read everything of every network and
  change nothing (403).

Within a network (``R`` = read, ``W`` = create/change):

==========================  ===========  ===========  =========  ======================  ========================
resource                    coordinator  facilitator  coach      leader (school S)       teacher (school S)
==========================  ===========  ===========  =========  ======================  ========================
schools, people, roster     R W          R            R          R                       R
RUN of a person             R            —            —          —                       own RUN only
aims, driver diagrams       R W          R W          R          R                       R
measures                    R W          R W          R          R                       R
measure points              R W          R W          R          R, W for school S       R
events, calendar            R W          R            R, W       R, W events of S only   R
                                                      coaching   (not learning sessions)
                                                      visits
cycles: read                all          all          all        school S, network-wide  own, school S (team),
                                                                 and own                 network-wide
cycles: create              any team     any team     any team   team S or network-wide  team S or network-wide,
                                                                                         owner = self
cycles: edit/advance/next   all          all          own        school S and own        own
cycles: reopen              all          own          own        own                     own
barriers: read              all          all          all        school S, network-wide  own (owner or raised by)
                                                                 and own
barriers: create            any          any          any        school S or none        school S or none
barriers: edit              all          all          own        school S and own        own
==========================  ===========  ===========  =========  ======================  ========================

Integration clients (role ``integration``, a SLEP system with an API key) reach only the endpoints that
accept them (:func:`mejora_common.auth.accepts_integrations`), each with one scope; a client of another
network gets 404, a client of the network without the scope 403 naming it:

====================  ==============================================================================
scope                 what it allows
====================  ==============================================================================
``roster:import``     ``POST /networks/{id}/roster:import`` (dry run and apply)
``directory:read``    read schools and people, without RUNs (a national identifier is not needed to
                      read the directory, and the system that imports the roster already has them)
``aggregates:read``   network results in the reports service (which checks it)
(any scope)           ``GET /networks`` and ``GET /networks/{id}`` of its own network
====================  ==============================================================================

"own" = the caller is the owner (or, for barriers, the owner or the person who raised it). Reopening is
the owner's or a coordinator's (``domain.cycle_stages.may_reopen``). A member who may not read a
particular cycle or barrier gets 404 for it (existence is not revealed); a member who may read but not
change gets 403.

This module only decides (pure, no I/O); :mod:`cycles_service.service.access` finds the caller's
:class:`Actor` and turns a refusal into the 404 or 403 above.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

SERVICE = "service"
"""The role of a sibling service's principal."""
INTEGRATION = "integration"
"""The role of an integration client's tokens (``mejora_common.auth.INTEGRATION_ROLE``, checked by a test)."""

THEORY_EDITORS = frozenset({"coordinator", "facilitator"})
ALL_SEEING = frozenset({"coordinator", "facilitator", "coach", "service"})

# Scopes of integration clients (the fixed list a coordinator grants from).
ROSTER_IMPORT = "roster:import"
DIRECTORY_READ = "directory:read"
AGGREGATES_READ = "aggregates:read"
"""Checked by the reports service; granted here."""
INTEGRATION_SCOPES = (ROSTER_IMPORT, DIRECTORY_READ, AGGREGATES_READ)


@dataclass(frozen=True)
class Actor:
    """The caller as seen from one network."""

    network_id: uuid.UUID
    role: str
    """A network role, or ``"service"``."""
    person_id: uuid.UUID | None
    school_id: uuid.UUID | None
    name: str
    scopes: frozenset[str] = frozenset()
    """An integration client's scopes (empty for people and services)."""

    @property
    def is_service(self) -> bool:
        return self.role == SERVICE

    @property
    def is_integration(self) -> bool:
        return self.role == INTEGRATION

    # directory ---------------------------------------------------------------------------------------------
    @property
    def manages_directory(self) -> bool:
        return self.role == "coordinator"

    @property
    def imports_roster(self) -> bool:
        return self.manages_directory or (self.is_integration and ROSTER_IMPORT in self.scopes)

    def sees_run_of(self, person_id: uuid.UUID) -> bool:
        return self.role in ("coordinator", "service") or person_id == self.person_id

    # aims, diagrams, measures -------------------------------------------------------------------------------
    @property
    def edits_theory(self) -> bool:
        return self.role in THEORY_EDITORS

    def records_points_for(self, school_id: uuid.UUID | None) -> bool:
        if self.role in THEORY_EDITORS:
            return True
        return self.role == "leader" and school_id is not None and school_id == self.school_id

    @property
    def imports_points(self) -> bool:
        """May send a points import at all; each row is then checked with :meth:`records_points_for`."""
        return self.records_points_for(None) or self.role == "leader"

    # calendar ---------------------------------------------------------------------------------------------
    def edits_event(self, kind: str, school_ids: list[uuid.UUID]) -> bool:
        if self.role == "coordinator":
            return True
        if self.role == "coach":
            return kind == "coaching_visit"
        if self.role == "leader":
            return kind != "learning_session" and bool(school_ids) and set(school_ids) == {self.school_id}
        return False

    # cycles -----------------------------------------------------------------------------------------------
    def reads_cycle(self, school_id: uuid.UUID | None, owner_id: uuid.UUID | None) -> bool:
        if self.role in ALL_SEEING:
            return True
        return school_id is None or school_id == self.school_id or owner_id == self.person_id

    def creates_cycle(self, school_id: uuid.UUID | None, owner_id: uuid.UUID) -> bool:
        if self.role in ("coordinator", "facilitator", "coach"):
            return True
        if self.role == "leader":
            return school_id is None or school_id == self.school_id
        if self.role == "teacher":
            return owner_id == self.person_id and (school_id is None or school_id == self.school_id)
        return False

    def edits_cycle(self, school_id: uuid.UUID | None, owner_id: uuid.UUID | None) -> bool:
        if self.role in THEORY_EDITORS:
            return True
        if owner_id is not None and owner_id == self.person_id:
            return True
        return self.role == "leader" and school_id is not None and school_id == self.school_id

    def reopens_cycle(self, owner_id: uuid.UUID | None) -> bool:
        return self.role == "coordinator" or (owner_id is not None and owner_id == self.person_id)

    # barriers ---------------------------------------------------------------------------------------------
    def _owns_barrier(self, owner_id: uuid.UUID | None, raised_by_id: uuid.UUID | None) -> bool:
        return self.person_id is not None and self.person_id in (owner_id, raised_by_id)

    def reads_barrier(
        self, school_id: uuid.UUID | None, owner_id: uuid.UUID | None, raised_by_id: uuid.UUID | None
    ) -> bool:
        if self.role in ALL_SEEING:
            return True
        if self.role == "leader" and (school_id is None or school_id == self.school_id):
            return True
        return self._owns_barrier(owner_id, raised_by_id)

    def creates_barrier(self, school_id: uuid.UUID | None) -> bool:
        if self.role in ("coordinator", "facilitator", "coach"):
            return True
        if self.role in ("leader", "teacher"):
            return school_id is None or school_id == self.school_id
        return False

    def edits_barrier(
        self, school_id: uuid.UUID | None, owner_id: uuid.UUID | None, raised_by_id: uuid.UUID | None
    ) -> bool:
        if self.role in THEORY_EDITORS:
            return True
        if self.role == "leader" and school_id is not None and school_id == self.school_id:
            return True
        return self._owns_barrier(owner_id, raised_by_id)
