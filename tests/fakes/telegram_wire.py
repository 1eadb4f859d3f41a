"""The Bot API's wire format for the fake: decoding requests, shaping answers and objects.

PTB sends string parameters raw and JSON-encodes every other value, as form-urlencoded fields
(multipart/form-data when a file is uploaded); other clients send JSON bodies or query strings.
``read_params`` undoes all of that per parameter name, so handlers see ints, bools and dicts.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import random
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["ApiError", "FileStore", "bad", "chat_member", "error_response", "read_params"]


def names(text: str) -> frozenset[str]:
    return frozenset(text.split())


INT_PARAMS = names(
    "chat_id from_chat_id message_id user_id offset limit timeout reply_to_message_id "
    "message_thread_id cache_time max_connections icon_color"
)
BOOL_PARAMS = names(
    "disable_notification protect_content show_alert drop_pending_updates has_spoiler "
    "allow_sending_without_reply disable_web_page_preview show_caption_above_media"
)
JSON_PARAMS = names(
    "reply_markup entities caption_entities allowed_updates link_preview_options "
    "reply_parameters commands scope media"
)
_ADMIN_RIGHTS = names(
    "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
    "can_promote_members can_change_info can_invite_users can_post_stories can_edit_stories "
    "can_delete_stories can_pin_messages"
)
_RESTRICTED_RIGHTS = names(
    "can_send_messages can_send_audios can_send_documents can_send_photos can_send_videos "
    "can_send_video_notes can_send_voice_notes can_send_polls can_send_other_messages "
    "can_add_web_page_previews can_change_info can_invite_users can_pin_messages "
    "can_manage_topics can_edit_tag can_react_to_messages"
)


class ApiError(Exception):
    """An error answer: HTTP ``status`` and the Bot API's ``description``."""

    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after
        self.migrate_to_chat_id = migrate_to_chat_id


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


async def read_params(request: Request) -> dict[str, Any]:
    raw: dict[str, Any] = dict(parse_qsl(request.url.query, keep_blank_values=True))
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if body and content_type.startswith("application/json"):
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            raise bad("can't parse JSON request body")
        raw.update(decoded)
    elif body and content_type.startswith("multipart/form-data"):
        raw.update(_parse_multipart(content_type, body))
    elif body:
        raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return {name: _decode(name, value) for name, value in raw.items()}


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """Fields as strings; uploaded files as {filename, size, content_type, content}."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None or part.get_content_type() == "application/octet-stream":
            fields[name] = {
                "filename": filename,
                "size": len(payload),
                "content_type": part.get_content_type(),
                "content": payload,
            }
        else:
            fields[name] = payload.decode("utf-8")
    return fields


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in INT_PARAMS:
        if re.fullmatch(r"-?\d+(\.\d*)?", value.strip()):
            return int(float(value))
        if name == "chat_id":
            return value  # "@channelusername"
        raise bad(f"invalid {name} specified")
    if name in BOOL_PARAMS:
        return value.strip().lower() in ("true", "1")
    if name in JSON_PARAMS:
        try:
            return json.loads(value)
        except ValueError:
            what = "reply keyboard markup" if name == "reply_markup" else name
            raise bad(f"can't parse {what} JSON object") from None
    return value


def chat_member(user: dict[str, Any], status: str) -> dict[str, Any]:
    """A complete ChatMember object of the kind ``status`` names."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(dict.fromkeys(_ADMIN_RIGHTS, True))
        member.update(can_be_edited=False, is_anonymous=False)
    elif status == "kicked":
        member["until_date"] = 0
    elif status == "restricted":
        member.update(dict.fromkeys(_RESTRICTED_RIGHTS, False))
        member.update(is_member=True, until_date=0)
    return member


def chat_full_info(chat: dict[str, Any]) -> dict[str, Any]:
    gifts = names(
        "unlimited_gifts limited_gifts unique_gifts premium_subscription gifts_from_channels"
    )
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": dict.fromkeys(gifts, False),
    }


def error_body(error: ApiError) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "error_code": error.status}
    body["description"] = error.description
    parameters = {"retry_after": error.retry_after, "migrate_to_chat_id": error.migrate_to_chat_id}
    parameters = {k: v for k, v in parameters.items() if v is not None}
    if parameters:  # ResponseParameters, as Telegram sends them
        body["parameters"] = parameters
    return body


def error_response(error: ApiError) -> Response:
    return json_response(error_body(error), error.status)


def json_response(body: dict[str, Any], status: int) -> Response:
    content = json.dumps(body, ensure_ascii=False)
    return Response(content, status_code=status, media_type="application/json")


class FileStore:
    """File ids the fake knows (pushed photos, uploads, URLs) and their bytes for downloads."""

    def __init__(self) -> None:
        self.meta: dict[str, dict[str, Any]] = {}  # file_id -> File object incl. file_path
        self.content: dict[str, bytes] = {}

    def new(self, kind: str, content: bytes, **extra: Any) -> dict[str, Any]:
        number = len(self.meta) + 1
        unique = f"AQAD{number:06d}{random.randrange(16**6):06x}"
        file_id = f"AgACAgUAAxkBAAI{number:06d}{random.randbytes(12).hex()}"
        meta = {"file_id": file_id, "file_unique_id": unique, "file_size": len(content), **extra}
        self.meta[file_id] = {**meta, "file_path": f"{kind}s/file_{number}.jpg"}
        self.content[file_id] = content
        return meta

    def input_file(self, value: Any, kind: str) -> dict[str, Any]:
        """The file a send names: an upload, a known file_id or an HTTP URL."""
        if isinstance(value, dict) and "size" in value:  # uploaded in the multipart body
            name = value["filename"]
            return self.new(kind, value["content"], **({"file_name": name} if name else {}))
        if isinstance(value, str) and value in self.meta:
            stored = self.meta[value]["file_path"].split("s/", 1)[0]
            if kind == "photo" and stored != "photo":  # Telegram: a document is not a photo
                raise bad("type of file mismatch")
            return {k: v for k, v in self.meta[value].items() if k != "file_path"}
        if isinstance(value, str) and re.match(r"https?://", value):
            return self.new(kind, value.encode())
        raise bad("wrong file identifier/HTTP URL specified")

    def download(self, file_path: str) -> Response:
        for file_id, meta in self.meta.items():
            if meta["file_path"] == file_path:
                return Response(self.content[file_id], media_type="application/octet-stream")
        return error_response(ApiError(404, "Not Found"))
