"""`propdesk chat`: the same desk in a terminal, like Zulip's bot_shell.

Interactive with a prompt on a terminal; from a pipe it reads one message per
line and prints each reply, so a conversation can be scripted. Buttons show
as numbered choices: type the number to press one. Messages for staff are
shown too (marked), so the demo shows both sides.

The console is a channel like Telegram: the desk writes its answers as
outbox rows (channel `console`), and the console renders those same rows at
once and marks them sent.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import replace
from typing import TextIO

from handlers.desk import Desk
from handlers.i18n import t
from handlers.menu import menu_rows
from handlers.messages import MEDIA_KINDS, Button, Callback, Contact, Inbound
from handlers.payloads import strict_int
from handlers.text import plain
from storage import outbox
from storage.db import session_scope

CHANNEL = "console"

HELP = (
    "Type as an owner would. Commands: /contact PHONE shares your phone number, "
    "/photo sends a photo, /send voice|sticker|video|document|... sends another kind "
    "of message, /location LAT LON shares a place, /quit leaves. "
    "Type a number to press a button."
)


class Console:
    def __init__(self, desk: Desk, *, user_id: int, out: TextIO = sys.stdout) -> None:
        # staff notices stay in the terminal too (a chat of their own when none is set)
        staff_chat = desk.config.staff_chat_id or 0
        desk.config = replace(desk.config, staff_channel=CHANNEL, staff_chat_id=staff_chat)
        self.desk = desk
        self.user_id = user_id
        self.out = out
        self.buttons: list[Button] = []
        self.photo_seq = 0

    def inbound(self, line: str) -> Inbound:
        base = {
            "channel": CHANNEL,
            "chat_id": self.user_id,
            "user_id": self.user_id,
            "user_name": f"console-{self.user_id}",
        }
        if line.startswith("/contact"):
            phone = line.removeprefix("/contact").strip()
            return Inbound(**base, contact=Contact(phone=phone, user_id=self.user_id))
        if line.startswith("/photo"):
            self.photo_seq += 1
            caption = line.removeprefix("/photo").strip()
            return Inbound(**base, text=caption, photos=(f"console-photo-{self.photo_seq}",))
        if line.startswith("/send ") and line.split()[1] in MEDIA_KINDS:
            return Inbound(**base, media=line.split()[1])
        if line.startswith("/location"):
            lat, lon = (float(x) for x in (line.split()[1:3] or ("31.23", "121.47")))
            return Inbound(**base, media="location", location=(lat, lon))
        number = strict_int(line, high=len(self.buttons))
        if number is not None:
            pressed = self.buttons[number - 1]
            return Inbound(**base, callback=Callback(id="console", data=pressed.data))
        return Inbound(**base, text=line)

    def show(self, callback_answer: str | None = None) -> None:
        """Render the console's queued outbox rows, in order, and mark them sent."""
        self.buttons = []
        with session_scope(self.desk.engine) as session:
            now = self.desk.clock()  # the desk's time: the rows were queued by it
            rows = outbox.due(session, now=now, limit=1000, channel=CHANNEL)
            rows.sort(key=lambda row: row.id)
            for row in rows:
                self._render(row.address, row.kind, json.loads(row.payload))
                outbox.claim(session, row.id, now=now)
                outbox.finish(session, row.id, status="sent", now=now)
        if callback_answer:
            self.out.write(f"({callback_answer})\n")
        self.out.flush()

    def _render(self, address: str, kind: str, payload: dict) -> None:
        text = plain(payload.get("text") or payload.get("caption") or "")
        if kind == "photo":
            text = f"[photo] {text}"
        elif kind == "copy":
            text = f"[copy of a message] {text}"
        if address != str(self.user_id):
            self.out.write(_indent("[to staff] ", text) + "\n")
            return
        self.out.write(_indent("desk> ", text) + "\n")
        for row in payload.get("buttons", []):
            labels = []
            for label, data in row:
                self.buttons.append(Button(label, data))
                labels.append(f"[{len(self.buttons)}] {label}")
            self.out.write("      " + "   ".join(labels) + "\n")
        language = payload.get("language", "zh")
        if payload.get("menu") in ("main", "main_unbound"):
            menu = " | ".join(label for row in menu_rows(language) for label in row)
            self.out.write(f"      {t(language, 'menu')}: {menu}\n")

    def run(self, lines: Iterable[str], *, interactive: bool) -> None:
        if interactive:
            self.out.write(HELP + "\n")
        for raw in lines:
            line = raw.strip()
            if not line:
                continue
            if line in ("/quit", "/exit"):
                break
            if not interactive:
                self.out.write(f"you> {line}\n")
            self.show(self.desk.handle(self.inbound(line)).callback_answer)


def _indent(prefix: str, text: str) -> str:
    pad = " " * len(prefix)
    return prefix + text.replace("\n", "\n" + pad)


def prompt_lines(prompt: str = "you> ") -> Iterable[str]:
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return
