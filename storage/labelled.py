"""Labelled examples the desk collected (an owner's own choice when it was unsure)."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import LabelledExample


def labelled_examples(session: Session) -> list[tuple[str, str]]:
    """Every stored (text, intent) pair, oldest first, repeats of the same pair dropped."""
    rows = session.exec(select(LabelledExample).order_by(LabelledExample.id)).all()
    return list(dict.fromkeys((r.text, r.intent) for r in rows))
