"""/start and binding a chat to a flat by the owner's own shared phone number."""

from __future__ import annotations

from handlers.phones import normalise_phone
from handlers.turn import Turn
from storage import owners as owner_store


def welcome(turn: Turn) -> None:
    if turn.owner is not None:
        units = ", ".join(u.code for u in turn.units)
        turn.say(
            turn.tr(
                "Welcome back, {name} ({units}). How can I help? "
                "Tell me in your own words or use the menu below.",
                name=turn.owner.name,
                units=units,
            ),
            menu="main",
        )
        return
    turn.say(
        turn.tr(
            "Hello! I am the service desk of {compound}. I can take repair requests and "
            "complaints, answer questions, show your bills and tickets, and raise "
            "emergencies at once.\n\nTo link this chat to your flat, tap "
            "“📱 Link my flat” below to share your phone number (the one in the owner "
            "register). You can ask questions and report emergencies without it.",
            compound=turn.compound,
        ),
        menu="main_unbound",
    )


def contact(turn: Turn) -> bool:
    """Bind on the sender's own contact; True if the chat is now bound."""
    shared = turn.inbound.contact
    assert shared is not None
    if shared.user_id != turn.inbound.user_id:
        turn.say(
            turn.tr(
                "For the owners' privacy I can only link your own phone number. "
                "Please tap “📱 Link my flat” to share the number of this Telegram account."
            ),
            menu="main_unbound" if turn.owner is None else "main",
        )
        return False
    phone = normalise_phone(shared.phone)
    owner = owner_store.owner_by_phone(turn.session, phone) if phone else None
    if owner is not None and not owner_store.units_of(turn.session, owner.id):
        owner = None  # moved out of every flat: in the register's history, not its owners
    if owner is None:
        turn.say(
            turn.tr(
                "I could not find this number in the owner register of {compound}. "
                "If you are an owner, please ask the service centre to register this "
                "number, then share it again. Meanwhile you can still ask questions and "
                "report emergencies here.",
                compound=turn.compound,
            ),
            menu="main_unbound",
        )
        return False
    owner_store.bind(
        turn.session,
        owner=owner,
        channel=turn.inbound.channel,
        user_id=turn.inbound.user_id,
        chat_id=turn.inbound.chat_id,
        language=turn.lang,
    )
    turn.owner = owner
    units = ", ".join(u.code for u in owner_store.units_of(turn.session, owner.id))
    turn.say(
        turn.tr(
            "Done! This chat is now linked to {name}, flat {units}.", name=owner.name, units=units
        ),
        menu="main",
    )
    return True


def ask_to_bind(turn: Turn) -> None:
    turn.say(
        turn.tr(
            "To look after your own flat I first need to know who you are: tap "
            "“📱 Link my flat” below to share your phone number. I will carry on "
            "right after."
        ),
        menu="main_unbound",
    )


def moved_out(turn: Turn) -> None:
    """Tell a chat whose owner moved out (storage.owners.move_out), once, that its flat
    is no longer linked; the chat is then unbound and can link another number."""
    if turn.binding is not None:
        return
    inbound = turn.inbound
    if owner_store.take_ended_binding(turn.session, inbound.channel, inbound.user_id) is None:
        return
    turn.say(
        turn.tr(
            "This chat is no longer linked to a flat: the service centre's owner register "
            "no longer lists you as its owner. If this is a mistake, please contact the "
            "service centre. You can still ask questions and report emergencies here."
        ),
        menu="main_unbound",
    )
