"""Whose facts answer a person on a bot shared by several compounds: their own compound's
when all their flats are in one; the bot's home compound for someone it cannot place."""

from __future__ import annotations

from handlers.compounds import home, serving
from handlers.turn import DeskConfig
from storage import compounds as compound_store
from storage import owners as owner_store
from storage.db import session_scope
from storage.models import Compound

# no "default" compound: a deployment configured from compounds.yml alone
COMPOUNDS = tuple(
    Compound(id=cid, name_zh=cid, name_en=cid, staff_chat_id=-1000 - n, bot=bot)
    for n, (cid, bot) in enumerate((("east", "default"), ("north", "default"), ("west", "west")))
)


def test_the_owners_compound_else_the_bots_home_compound(runtime):
    config = DeskConfig(compounds=COMPOUNDS)
    with session_scope(runtime.engine) as session:
        for compound in COMPOUNDS:
            compound_store.save(session, Compound(**compound.model_dump()))
        owners = {}
        for phone, flats in (
            ("13800000001", ("north",)),
            ("13800000002", ("east", "north")),
            ("13800000003", ("north", "west")),
        ):
            for compound_id in flats:
                owner, _ = owner_store.upsert_owner(
                    session,
                    unit_code="1-1-101",
                    name=phone,
                    phone=f"+86{phone}",
                    language="zh",
                    compound_id=compound_id,
                )
            owners[flats] = owner

        def served(owner, bot="default"):
            flats = owner_store.units_of(session, owner.id) if owner else []
            return serving(config, lambda: flats, bot).id

        assert served(None) == "east"  # unbound: the first compound the bot serves
        assert served(None, "west") == "west"
        assert served(owners[("north",)]) == "north"
        assert served(owners[("north",)], "west") == "north"  # their own, whichever bot
        assert served(owners[("east", "north")]) == "east"  # the home compound is theirs
        assert served(owners[("north", "west")]) == "north"  # theirs that this bot serves
        assert served(owners[("north", "west")], "west") == "west"
    assert (
        home(
            DeskConfig(compounds=(*COMPOUNDS, Compound(id="default", name_zh="d", name_en="d")))
        ).id
        == "default"
    )
    assert serving(DeskConfig(), list) is None  # a desk without compounds
