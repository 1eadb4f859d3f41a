"""What happens to chats over time, as Telegram does it, for the fake Bot API server.

A mixin of ``FakeBotApi`` (tests/fakes/bot_api.py), which holds the state it uses: ``chats``,
``members`` (the bot's own status is ``members[chat_id][bot_id]``, "administrator" unless set),
``migrated`` (old basic-group id -> supergroup id), ``topics`` and ``blocked``.

- ``migrate_group(chat_id, new_chat_id, by)``: a basic group upgraded to a supergroup. The old
  group gets a service message with ``migrate_to_chat_id``, the new one a service message with
  ``migrate_from_chat_id`` (both pushed as updates); from then on every call naming the old id is
  answered 400 "Bad Request: group chat was upgraded to a supergroup chat" with
  ``parameters.migrate_to_chat_id`` (PTB raises ``ChatMigrated``).
- ``set_bot_status(chat_id, status, by)``: the bot removed ("kicked"/"left"), added back
  ("member") or promoted ("administrator") by a user: a ``my_chat_member`` update with the old
  and new ChatMember (and, when added, a ``new_chat_members`` service message). While removed,
  calls naming the chat get 403 "Forbidden: bot was kicked from the group chat" ("supergroup
  chat" for a supergroup; "bot is not a member of the … chat" after "left"), and the bot
  receives nothing from it.
- ``block(user_id)`` / ``unblock(user_id)``: also push the private chat's ``my_chat_member``
  (member -> kicked, kicked -> member), which is the only kind Telegram sends for private chats;
  a blocked user who writes again unblocks first (the client's "Restart" button).
- Forum supergroups (``add_group(..., is_forum=True)``): ``create_topic(chat_id, name, by)`` (a
  user's new topic, pushed), the methods createForumTopic (400 "not enough rights to create a
  topic" unless the bot is an administrator) / closeForumTopic / reopenForumTopic (400
  "TOPIC_NOT_MODIFIED" when it already is so); a message in a topic carries
  ``message_thread_id`` and ``is_topic_message``, and, when it replies to nothing else,
  ``reply_to_message`` is the topic's ``forum_topic_created`` message, as Telegram sends it. A
  send with ``message_thread_id`` lands in that topic; a reply to a topic message without it
  lands in the replied message's topic; an unknown thread is 400 "message thread not found"; a
  closed topic refuses a bot that is not an administrator with 400 "TOPIC_CLOSED";
  ``delete_topic(chat_id, thread)`` deletes a topic and its messages, as an administrator
  does in the client (no update; its thread id is then "message thread not found", as
  tdlib/telegram-bot-api#854 reports for groups).
"""

from __future__ import annotations

import time
from typing import Any

from tests.fakes.telegram_wire import ApiError, bad, chat_member

MIGRATED = "group chat was upgraded to a supergroup chat"
ADMINS = ("creator", "administrator")
TOPIC_COLORS = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)  # the Bot API's six


class GroupLife:
    """Migration, the bot's membership, blocking and forum topics (see the module docstring)."""

    chats: dict[int, dict[str, Any]]
    members: dict[int, dict[int, str]]
    messages: dict[int, dict[int, dict[str, Any]]]
    migrated: dict[int, int]
    topics: dict[int, dict[int, dict[str, Any]]]
    blocked: set[int]
    bot_user: dict[str, Any]

    # --- provided by FakeBotApi -------------------------------------------------------------

    def push_raw(self, update: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    users: dict[int, dict[str, Any]]

    def _user(self, user_id: int) -> dict[str, Any]:
        raise NotImplementedError

    def _push_message(
        self, user_id: int, chat_id: int | None, fields: dict[str, Any], reply_to: int | None
    ) -> dict[str, Any]:
        raise NotImplementedError

    def _store_message(
        self, chat: dict[str, Any], sender: dict[str, Any], fields: dict[str, Any]
    ) -> dict[str, Any]:
        raise NotImplementedError

    # --- the bot's standing in a chat -------------------------------------------------------

    def bot_status(self, chat_id: int) -> str:
        if self.chats[chat_id]["type"] == "private":
            return "kicked" if chat_id in self.blocked else "member"
        return self.members.get(chat_id, {}).get(self.bot_user["id"], "administrator")

    def _check_reachable(self, chat: dict[str, Any]) -> None:
        """400 for a migrated group, 403 for a group the bot is not in."""
        if chat["id"] in self.migrated:
            new_id = self.migrated[chat["id"]]
            raise ApiError(400, f"Bad Request: {MIGRATED}", migrate_to_chat_id=new_id)
        if chat["type"] in ("group", "supergroup"):
            status = self.bot_status(chat["id"])
            if status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {chat['type']} chat")
            if status == "left":
                raise ApiError(403, f"Forbidden: bot is not a member of the {chat['type']} chat")

    def migrate_group(
        self, chat_id: int, new_chat_id: int, by: int, *, announce: bool = True
    ) -> tuple[dict, dict]:
        """Upgrade basic group ``chat_id`` to supergroup ``new_chat_id``; returns the two
        service messages (old group's, new supergroup's), both pushed as updates unless
        ``announce=False`` (the bot missed them: it was down and dropped pending updates)."""
        old = self.chats[chat_id]
        if old["type"] != "group" or not str(new_chat_id).startswith("-100"):
            raise ValueError("a basic group upgrades to a -100… supergroup")
        self.chats[new_chat_id] = {"id": new_chat_id, "type": "supergroup", "title": old["title"]}
        self.members[new_chat_id] = dict(self.members.get(chat_id, {}))
        sender = self._user(by)
        told_old = self._store_message(old, sender, {"migrate_to_chat_id": new_chat_id})
        self.migrated[chat_id] = new_chat_id
        new = self.chats[new_chat_id]
        told_new = self._store_message(new, sender, {"migrate_from_chat_id": chat_id})
        if announce:
            self.push_raw({"message": told_old})
            self.push_raw({"message": told_new})
        return told_old, told_new

    def set_bot_status(self, chat_id: int, status: str, by: int) -> dict[str, Any]:
        """User ``by`` removes ("kicked", "left"), adds ("member") or promotes
        ("administrator") the bot in a group; returns the ``my_chat_member`` update."""
        old = self.bot_status(chat_id)
        self.members.setdefault(chat_id, {})[self.bot_user["id"]] = status
        update = self._my_chat_member(chat_id, by, old, status)
        if old in ("left", "kicked") and status not in ("left", "kicked"):
            self._push_message(by, chat_id, {"new_chat_members": [self.bot_user]}, None)
        return update

    def _my_chat_member(self, chat_id: int, by: int, old: str, new: str) -> dict[str, Any]:
        bot_id = self.bot_user["id"]
        return self._chat_member_update("my_chat_member", chat_id, bot_id, by, old, new)

    def _chat_member_update(
        self, kind: str, chat_id: int, user_id: int, by: int, old: str, new: str
    ) -> dict[str, Any]:
        """Push a ``my_chat_member`` (the bot's) or ``chat_member`` (someone's) update."""
        user = self.bot_user if user_id == self.bot_user["id"] else self._user(user_id)
        changed = {
            "chat": self.chats[chat_id],
            "from": self._user(by),
            "date": int(time.time()),
            "old_chat_member": chat_member(user, old),
            "new_chat_member": chat_member(user, new),
        }
        return self.push_raw({kind: changed})

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them get 403, and the bot is told."""
        if user_id not in self.blocked:
            self.blocked.add(user_id)
            self._my_chat_member(user_id, user_id, "member", "kicked")

    def unblock(self, user_id: int) -> None:
        if user_id in self.blocked:
            self.blocked.discard(user_id)
            self._my_chat_member(user_id, user_id, "kicked", "member")

    # --- forum topics -----------------------------------------------------------------------

    def create_topic(self, chat_id: int, name: str, by: int) -> int:
        """A user opens a topic in a forum; returns its message_thread_id (update pushed)."""
        created = {"forum_topic_created": {"name": name, "icon_color": TOPIC_COLORS[0]}}
        message = self._push_message(by, chat_id, created, None)
        return message["message_thread_id"]

    def delete_topic(self, chat_id: int, thread: int) -> None:
        """An administrator deletes a topic with all its messages (Telegram tells the bot
        nothing); from then on its thread id is 400 "message thread not found"."""
        self.topics[chat_id].pop(thread)
        for message_id, message in list(self.messages.get(chat_id, {}).items()):
            if message.get("message_thread_id") == thread:
                del self.messages[chat_id][message_id]

    def _new_topic(self, chat: dict[str, Any], sender: dict[str, Any], fields: dict) -> dict:
        """Store a forum_topic_created message: its id is the new topic's thread id."""
        if not chat.get("is_forum"):
            raise bad("the chat is not a forum")
        message = self._store_message(chat, sender, fields)
        thread = message["message_id"]
        message.update(message_thread_id=thread, is_topic_message=True)
        topic = {**fields["forum_topic_created"], "closed": False, "root": message}
        self.topics.setdefault(chat["id"], {})[thread] = topic
        return message

    def _topic(self, chat_id: Any, thread: Any) -> dict[str, Any]:
        topic = self.topics.get(chat_id, {}).get(thread)
        if topic is None:
            raise bad("message thread not found")
        return topic

    def _thread_fields(
        self, chat: dict[str, Any], thread: int | None, replied: dict[str, Any] | None
    ) -> dict[str, Any]:
        """The topic fields of a new message in ``chat`` (``thread`` asked, or the replied
        message's), with ``reply_to_message`` set to the topic's root when not a reply."""
        if thread is None and replied and replied.get("is_topic_message"):
            thread = replied["message_thread_id"]
        if thread is None:
            return {}
        topic = self._topic(chat["id"], thread)
        fields: dict[str, Any] = {"message_thread_id": thread, "is_topic_message": True}
        if replied is None:
            fields["reply_to_message"] = topic["root"]
        return fields

    def _check_topic_open(self, chat: dict[str, Any], thread: int | None) -> None:
        closed = thread is not None and self._topic(chat["id"], thread)["closed"]
        if closed and self.bot_status(chat["id"]) not in ADMINS:
            raise bad("TOPIC_CLOSED")

    def _m_createForumTopic(self, p: dict[str, Any]) -> Any:
        chat = self._chat(p.get("chat_id"))
        if chat.get("is_forum") and self.bot_status(chat["id"]) not in ADMINS:
            raise bad("not enough rights to create a topic")  # can_manage_topics
        name, color = str(p.get("name") or ""), p.get("icon_color", TOPIC_COLORS[0])
        created = {"forum_topic_created": {"name": name, "icon_color": color}}
        thread = self._new_topic(chat, self.bot_user, created)["message_thread_id"]
        return {"message_thread_id": thread, "name": name, "icon_color": color}

    def _set_closed(self, p: dict[str, Any], closed: bool) -> Any:
        chat = self._chat(p.get("chat_id"))
        topic = self._topic(chat["id"], p.get("message_thread_id"))
        if topic["closed"] == closed:
            raise bad("TOPIC_NOT_MODIFIED")
        topic["closed"] = closed
        service = {"forum_topic_closed" if closed else "forum_topic_reopened": {}}
        root = topic["root"]
        thread_fields = {"message_thread_id": root["message_id"], "is_topic_message": True}
        self._store_message(chat, self.bot_user, {**service, **thread_fields})
        return True

    def _m_closeForumTopic(self, p: dict[str, Any]) -> Any:
        return self._set_closed(p, True)

    def _m_reopenForumTopic(self, p: dict[str, Any]) -> Any:
        return self._set_closed(p, False)

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        raise NotImplementedError
