"""Observation instruments as data: domains → dimensions, a score scale, cycles.

An instrument is defined by a JSON document of this shape (the files in
``observations_service/instruments/``)::

    {
      "code": "class-prek-k3",            # stable identifier
      "name": "...",                      # Spanish display name
      "version": 1,                       # positive integer
      "scale": {"min": 1, "max": 7},      # integer scores min..max, min < max
      "min_cycles": 4,                    # observation cycles required
      "description": "...",               # Spanish, optional
      "domains": [
        {"code": "ES", "name": "...", "order": 1,
         "dimensions": [
           {"code": "PC", "name": "...", "name_en": "...",
            "reverse": false, "order": 1}
         ]}
      ]
    }

Conventions checked by :func:`load_instrument`:

* codes are non-empty strings; domain codes are unique, dimension codes are
  unique across the whole instrument (a score is addressed by dimension code);
* ``order`` values are integers; domain orders are unique, and dimension
  orders are unique across the whole instrument (one global sequence, so the
  "instrument order" used to break ties in feedback is well defined);
* every domain has at least one dimension; ``reverse`` (default ``false``)
  marks a dimension where a low score is good (CLASS Negative Climate);
* ``name_en`` and ``description`` are optional (default ``""``);
* unknown keys are rejected, so a typo such as ``"reverese"`` is not silently
  ignored.

All problems are collected and raised together as one :class:`InstrumentError`
whose messages are in Spanish (es-CL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DimensionSpec",
    "DomainSpec",
    "InstrumentError",
    "InstrumentIssue",
    "InstrumentSpec",
    "load_instrument",
]


@dataclass(frozen=True, slots=True)
class DimensionSpec:
    """One scored dimension (e.g. CLASS ``PC`` Clima positivo)."""

    code: str
    name: str
    name_en: str
    reverse: bool
    order: int
    domain_code: str


@dataclass(frozen=True, slots=True)
class DomainSpec:
    """A group of dimensions (e.g. CLASS ``ES`` Apoyo emocional)."""

    code: str
    name: str
    order: int
    dimensions: tuple[DimensionSpec, ...]


@dataclass(frozen=True, slots=True)
class InstrumentSpec:
    """A validated instrument. Domains and their dimensions are sorted by order."""

    code: str
    name: str
    version: int
    scale_min: int
    scale_max: int
    min_cycles: int
    description: str
    domains: tuple[DomainSpec, ...]

    @property
    def dimensions(self) -> tuple[DimensionSpec, ...]:
        """All dimensions in instrument order (domain order, then dimension order)."""
        return tuple(dim for domain in self.domains for dim in domain.dimensions)

    @property
    def scale_label(self) -> str:
        """The scale as shown to users: min and max joined by an en dash (U+2013)."""
        return f"{self.scale_min}–{self.scale_max}"

    def dimension(self, code: str) -> DimensionSpec:
        """The dimension with this code; :class:`KeyError` if there is none."""
        for dim in self.dimensions:
            if dim.code == code:
                return dim
        raise KeyError(code)

    def domain(self, code: str) -> DomainSpec:
        """The domain with this code; :class:`KeyError` if there is none."""
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(code)


@dataclass(frozen=True, slots=True)
class InstrumentIssue:
    """One problem in an instrument definition: where (JSON path) and what."""

    path: str
    message: str


class InstrumentError(ValueError):
    """The instrument definition is invalid; ``issues`` lists every problem."""

    def __init__(self, issues: list[InstrumentIssue]) -> None:
        self.issues: tuple[InstrumentIssue, ...] = tuple(issues)
        text = "; ".join(f"{i.path}: {i.message}" for i in self.issues)
        super().__init__(f"Instrumento inválido: {text}")


_INSTRUMENT_KEYS = frozenset({"code", "name", "version", "scale", "min_cycles", "description", "domains"})
_SCALE_KEYS = frozenset({"min", "max"})
_DOMAIN_KEYS = frozenset({"code", "name", "order", "dimensions"})
_DIMENSION_KEYS = frozenset({"code", "name", "name_en", "reverse", "order"})


class _Collector:
    def __init__(self) -> None:
        self.issues: list[InstrumentIssue] = []

    def add(self, path: str, message: str) -> None:
        self.issues.append(InstrumentIssue(path, message))

    def unknown_keys(self, obj: Mapping[str, object], allowed: frozenset[str], path: str) -> None:
        for key in sorted(set(obj) - allowed, key=str):
            where = f"{path}.{key}" if path else str(key)
            self.add(where, f"Campo desconocido «{key}»")

    def text(self, obj: Mapping[str, object], key: str, path: str, *, required: bool) -> str:
        where = f"{path}.{key}" if path else key
        if key not in obj:
            if required:
                self.add(where, f"Falta el campo «{key}»")
            return ""
        value = obj[key]
        if not isinstance(value, str):
            self.add(where, f"El campo «{key}» debe ser texto")
            return ""
        if required and not value.strip():
            self.add(where, f"El campo «{key}» no puede estar vacío")
        return value.strip() if key == "code" else value

    def integer(self, obj: Mapping[str, object], key: str, path: str) -> int | None:
        where = f"{path}.{key}" if path else key
        if key not in obj:
            self.add(where, f"Falta el campo «{key}»")
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(where, f"El campo «{key}» debe ser un número entero")
            return None
        return value


def load_instrument(data: Mapping[str, object]) -> InstrumentSpec:
    """Parse and validate an instrument definition (the JSON shape above).

    Raises :class:`InstrumentError` listing every problem found (Spanish
    messages, each with the JSON path of the offending field).
    """
    c = _Collector()
    if not isinstance(data, Mapping):
        raise InstrumentError([InstrumentIssue("", "La definición del instrumento debe ser un objeto")])
    c.unknown_keys(data, _INSTRUMENT_KEYS, "")
    code = c.text(data, "code", "", required=True)
    name = c.text(data, "name", "", required=True)
    description = c.text(data, "description", "", required=False)

    version = c.integer(data, "version", "")
    if version is not None and version < 1:
        c.add("version", "La versión debe ser un entero positivo")

    scale_min: int | None = None
    scale_max: int | None = None
    scale = data.get("scale")
    if "scale" not in data:
        c.add("scale", "Falta el campo «scale»")
    elif not isinstance(scale, Mapping):
        c.add("scale", "La escala debe ser un objeto con «min» y «max»")
    else:
        c.unknown_keys(scale, _SCALE_KEYS, "scale")
        scale_min = c.integer(scale, "min", "scale")
        scale_max = c.integer(scale, "max", "scale")
        if scale_min is not None and scale_max is not None and scale_min >= scale_max:
            c.add(
                "scale",
                f"El mínimo de la escala ({scale_min}) debe ser menor que el máximo ({scale_max})",
            )

    min_cycles = c.integer(data, "min_cycles", "")
    if min_cycles is not None and min_cycles < 1:
        c.add("min_cycles", "Se requiere al menos 1 ciclo de observación")

    domains = _load_domains(data, c)

    if c.issues:
        raise InstrumentError(c.issues)
    # Every value below was checked above; the asserts only narrow types.
    assert version is not None
    assert min_cycles is not None
    assert scale_min is not None
    assert scale_max is not None
    return InstrumentSpec(
        code=code,
        name=name,
        version=version,
        scale_min=scale_min,
        scale_max=scale_max,
        min_cycles=min_cycles,
        description=description,
        domains=domains,
    )


def _load_domains(data: Mapping[str, object], c: _Collector) -> tuple[DomainSpec, ...]:
    raw_domains = data.get("domains")
    if "domains" not in data:
        c.add("domains", "Falta el campo «domains»")
        return ()
    if not isinstance(raw_domains, list):
        c.add("domains", "«domains» debe ser una lista")
        return ()
    if not raw_domains:
        c.add("domains", "El instrumento debe tener al menos un dominio")
        return ()
    seen = _Seen()
    domains: list[DomainSpec] = []
    for d_index, raw_domain in enumerate(raw_domains):
        d_path = f"domains[{d_index}]"
        if not isinstance(raw_domain, Mapping):
            c.add(d_path, "Cada dominio debe ser un objeto")
            continue
        c.unknown_keys(raw_domain, _DOMAIN_KEYS, d_path)
        d_code = c.text(raw_domain, "code", d_path, required=True)
        d_name = c.text(raw_domain, "name", d_path, required=True)
        d_order = c.integer(raw_domain, "order", d_path)
        if d_code:
            _unique(c, seen.domain_codes, d_code, f"{d_path}.code", f"El código de dominio «{d_code}» está repetido")
        if d_order is not None:
            _unique(c, seen.domain_orders, d_order, f"{d_path}.order", f"El orden {d_order} de dominio está repetido")
        dimensions = _load_dimensions(raw_domain, d_path, d_code, d_index, c=c, seen=seen)
        domains.append(
            DomainSpec(
                code=d_code,
                name=d_name,
                order=d_order if d_order is not None else 0,
                dimensions=tuple(sorted(dimensions, key=lambda d: d.order)),
            )
        )
    return tuple(sorted(domains, key=lambda d: d.order))


@dataclass
class _Seen:
    """Where each code and order was first seen (codes and orders are unique across the instrument)."""

    domain_codes: dict[str, str] = field(default_factory=dict)
    domain_orders: dict[int, str] = field(default_factory=dict)
    dimension_codes: dict[str, str] = field(default_factory=dict)
    dimension_orders: dict[int, str] = field(default_factory=dict)


def _unique(c: _Collector, seen: dict[Any, str], value: object, path: str, repeated: str) -> None:
    if value in seen:
        c.add(path, f"{repeated} (también en {seen[value]})")
    else:
        seen[value] = path


def _load_dimensions(
    raw_domain: Mapping[str, object], d_path: str, d_code: str, d_index: int, *, c: _Collector, seen: _Seen
) -> list[DimensionSpec]:
    raw_dims = raw_domain.get("dimensions")
    if "dimensions" not in raw_domain:
        c.add(f"{d_path}.dimensions", "Falta el campo «dimensions»")
        return []
    if not isinstance(raw_dims, list):
        c.add(f"{d_path}.dimensions", "«dimensions» debe ser una lista")
        return []
    if not raw_dims:
        label = f"«{d_code}»" if d_code else str(d_index + 1)
        c.add(f"{d_path}.dimensions", f"El dominio {label} debe tener al menos una dimensión")
        return []
    dimensions: list[DimensionSpec] = []
    for m_index, raw_dim in enumerate(raw_dims):
        m_path = f"{d_path}.dimensions[{m_index}]"
        if not isinstance(raw_dim, Mapping):
            c.add(m_path, "Cada dimensión debe ser un objeto")
            continue
        dimensions.append(_load_dimension(raw_dim, m_path, d_code, c, seen))
    return dimensions


def _load_dimension(
    raw_dim: Mapping[str, object], m_path: str, d_code: str, c: _Collector, seen: _Seen
) -> DimensionSpec:
    c.unknown_keys(raw_dim, _DIMENSION_KEYS, m_path)
    m_code = c.text(raw_dim, "code", m_path, required=True)
    m_name = c.text(raw_dim, "name", m_path, required=True)
    m_name_en = c.text(raw_dim, "name_en", m_path, required=False)
    m_order = c.integer(raw_dim, "order", m_path)
    reverse = raw_dim.get("reverse", False)
    if not isinstance(reverse, bool):
        c.add(f"{m_path}.reverse", "El campo «reverse» debe ser verdadero o falso")
        reverse = False
    if m_code:
        _unique(c, seen.dimension_codes, m_code, f"{m_path}.code", f"El código de dimensión «{m_code}» está repetido")
    if m_order is not None:
        _unique(c, seen.dimension_orders, m_order, f"{m_path}.order", f"El orden {m_order} de dimensión está repetido")
    return DimensionSpec(
        code=m_code,
        name=m_name,
        name_en=m_name_en,
        reverse=reverse,
        order=m_order if m_order is not None else 0,
        domain_code=d_code,
    )
