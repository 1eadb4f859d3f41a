"""Compounds added with `propdesk compound add` (storage/models.py, Compound).

compounds.yml (PROPDESK_COMPOUNDS_FILE) and the single-compound environment are read
by bot/compounds.py; this module only keeps the rows the CLI writes.
"""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Compound


def all_compounds(session: Session) -> list[Compound]:
    """Every stored compound, by id."""
    return list(session.exec(select(Compound).order_by(Compound.id)))


def save(session: Session, compound: Compound) -> bool:
    """Add `compound`, or replace the stored one of the same id; True if it was new."""
    existing = session.get(Compound, compound.id)
    if existing is None:
        session.add(compound)
    else:
        for name, value in compound.model_dump(exclude={"id", "created_at"}).items():
            setattr(existing, name, value)
    session.flush()
    return existing is None
