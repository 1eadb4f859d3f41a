"""`propdesk chat`: the same desk in a terminal, like Zulip's bot_shell.

Interactive with a prompt on a terminal; from a pipe it reads one message per
line and prints each reply, so a conversation can be scripted. Buttons show
as numbered choices: type the number to press one. Messages for staff are
shown too (marked), so the demo shows both sides.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from handlers.desk import Desk
from handlers.i18n import t
from handlers.menu import menu_rows
from handlers.messages import MEDIA_KINDS, Button, Callback, Contact, Inbound, Outcome
from handlers.payloads import strict_int
from handlers.text import plain

HELP = (
    "Type as an owner would. Commands: /contact PHONE shares your phone number, "
    "/photo sends a photo, /send voice|sticker|video|document|... sends another kind "
    "of message, /location LAT LON shares a place, /quit leaves. "
    "Type a number to press a button."
)


class Console:
    def __init__(self, desk: Desk, *, user_id: int, out: TextIO = sys.stdout) -> None:
        self.desk = desk
        self.user_id = user_id
        self.out = out
        self.buttons: list[Button] = []
        self.photo_seq = 0

    def inbound(self, line: str) -> Inbound:
        base = {
            "channel": "console",
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

    def show(self, outcome: Outcome) -> None:
        self.buttons = []
        for notice in outcome.staff:
            self.out.write(_indent("[to staff] ", plain(notice.text)) + "\n")
        if outcome.callback_answer:
            self.out.write(f"({outcome.callback_answer})\n")
        for reply in outcome.replies:
            if reply.channel != "console":
                continue
            self.out.write(_indent("desk> ", plain(reply.text)) + "\n")
            for row in reply.buttons:
                labels = []
                for button in row:
                    self.buttons.append(button)
                    labels.append(f"[{len(self.buttons)}] {button.text}")
                self.out.write("      " + "   ".join(labels) + "\n")
            if reply.menu in ("main", "main_unbound"):
                menu = " | ".join(label for row in menu_rows(reply.language) for label in row)
                self.out.write(f"      {t(reply.language, 'menu')}: {menu}\n")
        self.out.flush()

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
            self.show(self.desk.handle(self.inbound(line)))


def _indent(prefix: str, text: str) -> str:
    pad = " " * len(prefix)
    return prefix + text.replace("\n", "\n" + pad)


def prompt_lines(prompt: str = "you> ") -> Iterable[str]:
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return
