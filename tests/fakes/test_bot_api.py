"""The fake Bot API, driven through python-telegram-bot's real HTTP stack."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html

import httpx
import pytest
import telegram
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyParameters,
)
from telegram.constants import MessageEntityType, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter, TimedOut
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters
from telegram.helpers import escape_markdown

from tests.fakes.bot_api import FakeBotApi, Limits

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning"),
]

TOKEN = "123:ABC"
OWNER, STAFF, STRANGER = 42, 7, 8
GROUP = -100777


@pytest.fixture
async def api():
    async with FakeBotApi(token=TOKEN) as api:
        api.add_user(OWNER, "王芳", username="wangfang")
        api.add_user(STAFF, "Li", language_code="en")
        api.add_user(STRANGER, "Zhao")
        api.add_group(GROUP, title="Staff", members={STAFF: "administrator"})
        yield api


def make_bot(api: FakeBotApi, token: str = TOKEN) -> telegram.Bot:
    return telegram.Bot(token, base_url=f"{api.root}/bot", base_file_url=f"{api.root}/file/bot")


@pytest.fixture
async def bot(api):
    async with make_bot(api) as bot:
        yield bot


def seconds(value: int | float | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_get_me_and_wrong_token(api, bot):
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123, "propdesk_bot", True)
    with pytest.raises(InvalidToken):
        async with make_bot(api, "999:WRONG"):
            pass
    assert [c.status for c in api.calls if c.method == "getMe"][-1] == 401


async def test_send_message_returns_a_full_message(api, bot):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("接单", callback_data="take:1")]])
    msg = await bot.send_message(
        OWNER, "<b>你好</b> 😀 <i>world</i>", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )
    assert isinstance(msg, telegram.Message)
    assert msg.text == "你好 😀 world"
    assert msg.from_user.id == 123 and msg.from_user.is_bot
    assert (msg.chat.id, msg.chat.type, msg.chat.username) == (OWNER, "private", "wangfang")
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [
        (MessageEntityType.BOLD, 0, 2),
        (MessageEntityType.ITALIC, 6, 5),  # the emoji is two UTF-16 units
    ]
    assert msg.reply_markup == keyboard
    assert msg.date.year >= 2024
    second = await bot.send_message(OWNER, "again")
    assert second.message_id == msg.message_id + 1
    assert [m["text"] for m in api.sent(OWNER)] == ["你好 😀 world", "again"]
    assert api.delivered[-1][:2] == (OWNER, "again")


async def test_text_limits_count_utf16_units(bot):
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(OWNER, "x" * 5000)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(OWNER, "😀" * 2049)  # 4098 UTF-16 units
    assert (await bot.send_message(OWNER, "好" * 4096)).text == "好" * 4096
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(OWNER, "<b> </b>", parse_mode=ParseMode.HTML)


async def test_bad_html_is_refused_and_escaped_html_passes(bot):
    for text in ("<b>x", "a < b", "<b><i>x</b></i>", "<br>", "<span>x</span>"):
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await bot.send_message(OWNER, text, parse_mode=ParseMode.HTML)
    owner_text = 'a < b & "c" <script>'
    msg = await bot.send_message(OWNER, html.escape(owner_text), parse_mode=ParseMode.HTML)
    assert msg.text == owner_text
    link = await bot.send_message(
        OWNER, '<a href="https://example.com/?a=1&amp;b=2">工单</a>', parse_mode="html"
    )
    assert link.entities[0].url == "https://example.com/?a=1&b=2"


async def test_markdown_v2_needs_escaping(bot):
    owner_text = "a_b*c. (1-2)! [x] #3 {y} ~z | >q"
    escaped = escape_markdown(owner_text, version=2)
    msg = await bot.send_message(OWNER, escaped, parse_mode=ParseMode.MARKDOWN_V2)
    assert msg.text == owner_text and msg.entities == ()
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(OWNER, "a_b*c", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match="reserved"):
        await bot.send_message(OWNER, "工单 1.", parse_mode=ParseMode.MARKDOWN_V2)
    styled = await bot.send_message(OWNER, "*粗* _斜_ `x.y`", parse_mode=ParseMode.MARKDOWN_V2)
    assert styled.text == "粗 斜 x.y"
    assert [e.type for e in styled.entities] == ["bold", "italic", "code"]
    with pytest.raises(BadRequest, match="Unsupported parse_mode"):
        await bot.send_message(OWNER, "x", parse_mode="BBCode")


async def test_callback_data_is_limited_in_bytes(bot):
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("报修", callback_data=data)]])

    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(GROUP, "工单", reply_markup=keyboard("水" * 22))  # 66 bytes
    assert await bot.send_message(GROUP, "工单", reply_markup=keyboard("水" * 21))  # 63 bytes


async def test_global_rate_limit_answers_429_and_does_not_deliver(api, bot):
    users = range(1000, 1031)
    for user_id in users:
        api.add_user(user_id)
    started = asyncio.get_running_loop().time()
    with pytest.raises(RetryAfter) as caught:
        for user_id in users:
            await bot.send_message(user_id, "停水通知")
    assert asyncio.get_running_loop().time() - started < 1
    assert seconds(caught.value.retry_after) >= 1
    assert len(api.delivered) == 30 and api.count_429 == 1
    refused = api.calls[-1]
    assert (refused.status, refused.chat_id, refused.message) == (429, 1030, None)
    assert 1030 not in api.messages


async def test_private_chat_bucket_and_group_window():
    # The fake's own clock, moved by hand: a loaded machine cannot let a window pass.
    now = [1000.0]
    limits = Limits(private_burst=2, private_rate=20.0, group_max=2, group_window=0.2)
    async with (
        FakeBotApi(token=TOKEN, limits=limits, clock=lambda: now[0]) as api,
        make_bot(api) as bot,
    ):
        api.add_user(OWNER)
        api.add_group(GROUP)
        for chat_id in (OWNER, GROUP):
            await bot.send_message(chat_id, "1")
            await bot.send_message(chat_id, "2")
            with pytest.raises(RetryAfter):
                await bot.send_message(chat_id, "3")
        now[0] += 0.25
        for chat_id in (OWNER, GROUP):
            await bot.send_message(chat_id, "after the window")
        assert api.count_429 == 2 and len(api.delivered) == 6


async def test_blocked_user_is_forbidden_and_unknown_chat_is_bad_request(api, bot):
    api.block(OWNER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(OWNER, "您的账单")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(555, "hello")
    assert api.sent() == []


async def test_get_updates_honours_offset(api, bot):
    first = api.push_text(OWNER, "/start")
    api.push_text(OWNER, "厨房漏水")
    api.push_contact(OWNER, "+8613800000000", contact_user_id=STRANGER)
    updates = await bot.get_updates(timeout=5)
    assert [u.update_id for u in updates] == [u["update_id"] for u in api.pushed]
    assert updates[0].update_id >= 100_000
    assert updates[0].message.text == "/start" and updates[0].message.entities[0].type == (
        MessageEntityType.BOT_COMMAND
    )
    assert updates[0].message.message_id == first["message_id"]
    assert updates[2].message.contact.user_id == STRANGER
    again = await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)
    assert [u.update_id for u in again] == [u.update_id for u in updates[1:]]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert (await bot.get_webhook_info()).pending_update_count == 0


async def test_held_get_updates_returns_when_an_update_arrives(api, bot):
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    api.push_text(OWNER, "电梯困人")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates] == ["电梯困人"]


async def test_edit_message_text_and_not_modified(api, bot):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("接单", callback_data="t:1:take")]])
    sent = await bot.send_message(GROUP, "#1 待接单", reply_markup=keyboard)
    edited = await bot.edit_message_text(
        "#1 已接单", chat_id=GROUP, message_id=sent.message_id, reply_markup=keyboard
    )
    assert edited.text == "#1 已接单" and edited.edit_date is not None
    assert api.messages[GROUP][sent.message_id]["text"] == "#1 已接单"
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "#1 已接单", chat_id=GROUP, message_id=sent.message_id, reply_markup=keyboard
        )
    await bot.edit_message_text("#1 已完成", chat_id=GROUP, message_id=sent.message_id)
    assert "reply_markup" not in api.messages[GROUP][sent.message_id]  # as Telegram does
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", chat_id=GROUP, message_id=999)


async def test_answer_callback_query_once(api, bot):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("接单", callback_data="t:1:take")]])
    sent = await bot.send_message(GROUP, "#1", reply_markup=keyboard)
    query = api.push_callback(STAFF, api.sent(GROUP)[-1], "t:1:take")
    assert query["message"]["message_id"] == sent.message_id
    update = (await bot.get_updates(timeout=1))[-1]
    assert update.callback_query.data == "t:1:take"
    assert update.callback_query.message.reply_markup == keyboard
    assert await bot.answer_callback_query(update.callback_query.id, text="已接单")
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(update.callback_query.id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("12345")


async def test_get_chat_member(bot):
    assert (await bot.get_chat_member(GROUP, STAFF)).status == "administrator"
    assert (await bot.get_chat_member(GROUP, STRANGER)).status == "left"
    assert (await bot.get_chat_member(GROUP, 123)).user.is_bot
    chat = await bot.get_chat(GROUP)
    assert (chat.title, chat.type) == ("Staff", "supergroup")


async def test_reply_photo_upload_and_file_ids(api, bot):
    incoming = api.push_photo(OWNER, caption="漏水照片")
    reply = await bot.send_message(
        OWNER, "收到", reply_parameters=ReplyParameters(incoming["message_id"])
    )
    assert reply.reply_to_message.caption == "漏水照片"
    largest = incoming["photo"][-1]["file_id"]
    forwarded = await bot.send_photo(GROUP, largest, caption="<b>#1</b>", parse_mode="HTML")
    assert forwarded.caption == "#1" and forwarded.photo[-1].file_id == largest
    uploaded = await bot.send_photo(OWNER, b"\xff\xd8\xff\xe0fake jpeg", caption="图")
    assert uploaded.photo and api.calls[-1].params["photo"]["size"] == 13
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await bot.send_photo(OWNER, "AgACnotafileid")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(OWNER, largest, caption="x" * 1025)
    file = await bot.get_file(largest)
    assert (await file.download_as_bytearray()).startswith(b"\xff\xd8")


async def test_injected_failures_and_readable_timeouts(api, bot):
    api.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(OWNER, "first")
    assert seconds(caught.value.retry_after) == 7
    await bot.send_message(OWNER, "second")
    with pytest.raises(AssertionError, match=r"sendMessage chat=42 status=429 text='first'"):
        await api.wait_sent(OWNER, contains="never", timeout=0.05)
    await api.assert_not_sent(GROUP, since=0, within=0)


async def test_response_delay_delivers_before_answering(api, bot):
    api.response_delay = 0.3
    with pytest.raises(TimedOut):
        await bot.send_message(OWNER, "账单提醒", read_timeout=0.05)
    assert [m["text"] for m in api.sent(OWNER)] == ["账单提醒"]  # delivered all the same


async def test_raw_http_routing_and_encodings(api):
    async with httpx.AsyncClient(base_url=api.root) as client:
        assert (await client.get(f"/bot{TOKEN}/GETME")).json()["result"]["id"] == 123
        missing = await client.post(f"/bot{TOKEN}/sendCarrierPigeon")
        assert missing.status_code == 404 and missing.json()["description"] == "Not Found"
        wrong = await client.post("/bot1:x/getMe")
        assert wrong.status_code == 401 and wrong.json()["error_code"] == 401
        as_json = await client.post(
            f"/bot{TOKEN}/sendMessage", json={"chat_id": str(OWNER), "text": "json body"}
        )
        assert as_json.json()["result"]["chat"]["id"] == OWNER
        as_query = await client.get(f"/bot{TOKEN}/sendMessage?chat_id={GROUP}&text=query")
        assert as_query.json()["result"]["text"] == "query"
        await client.post(f"/bot{TOKEN}/setWebhook", data={"url": "https://desk.example/hook"})
        conflict = await client.post(f"/bot{TOKEN}/getUpdates")
        assert conflict.status_code == 409


async def test_application_long_polling_end_to_end(api):
    seen: list[int] = []

    async def echo(update: telegram.Update, context: object) -> None:
        seen.append(update.update_id)
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    app: Application = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{api.root}/bot")
        .base_file_url(f"{api.root}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.updater.start_polling(poll_interval=0)
        await app.start()
        mark = api.mark()
        api.push_text(OWNER, "你好")
        reply = await api.wait_sent(OWNER, contains="echo: 你好", since=mark, timeout=5)
        assert reply["from"]["username"] == "propdesk_bot"
        api.push_duplicate()  # Telegram re-sends; PTB itself does not drop it
        await api.wait_sent(OWNER, contains="echo: 你好", since=mark, count=2, timeout=5)
        assert seen[0] == seen[1]
        await app.updater.stop()
        await app.stop()
    assert [c.method for c in api.calls[:2]] == ["getMe", "deleteWebhook"]
    assert {c.status for c in api.calls} == {200}


async def test_a_second_poller_ends_the_first_with_409(api, bot):
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with make_bot(api) as other:
        second = asyncio.create_task(other.get_updates(timeout=5))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)
        api.push_text(OWNER, "hi")
        assert len(await asyncio.wait_for(second, 2)) == 1


def test_run_in_thread_for_sync_callers():
    with FakeBotApi(token=TOKEN).run_in_thread() as api:
        api.add_user(OWNER)
        api.push_text(OWNER, "hi")
        response = httpx.post(f"{api.root}/bot{TOKEN}/getUpdates", data={"timeout": "1"})
        assert response.json()["result"][0]["message"]["text"] == "hi"


async def test_other_methods_return_objects_ptb_can_parse(api, bot):
    api.set_member(GROUP, OWNER, "kicked")
    api.set_member(GROUP, STRANGER, "restricted")
    assert isinstance(await bot.get_chat_member(GROUP, OWNER), telegram.ChatMemberBanned)
    assert isinstance(await bot.get_chat_member(GROUP, STRANGER), telegram.ChatMemberRestricted)
    shared = ReplyKeyboardMarkup(
        [[KeyboardButton("分享手机号", request_contact=True)]], resize_keyboard=True
    )
    asked = await bot.send_message(OWNER, "请分享手机号", reply_markup=shared)
    assert asked.reply_markup is None  # only inline keyboards come back in a Message
    bill = await bot.send_document(GROUP, b"%PDF-1.4", filename="bill.pdf", caption="账单")
    assert bill.document.file_name == "bill.pdf"
    assert (await bot.forward_message(GROUP, OWNER, asked.message_id)).forward_origin
    copy = await bot.copy_message(GROUP, OWNER, asked.message_id)
    assert await bot.delete_message(GROUP, copy.message_id)
    await bot.set_my_commands([("start", "开始"), ("help", "帮助")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert await bot.send_chat_action(OWNER, "typing")


async def test_other_kinds_of_message_parse_and_copy_to_a_group(api, bot):
    kinds = ("voice", "audio", "video", "video_note", "animation", "sticker", "document")
    pushed = [api.push_media(OWNER, kind) for kind in kinds]
    api.push_media(OWNER, "document", mime_type="image/jpeg", file_name="leak.jpg")
    api.push_media(OWNER, "location", latitude=31.2, longitude=121.5)
    api.push_media(OWNER, "contact", phone_number="+8613911112222", first_name="邻居")
    api.push_media(OWNER, "poll")
    api.push_media(OWNER, "dice")
    messages = [u.message for u in await bot.get_updates(timeout=5)]
    for kind, message in zip(kinds, messages, strict=False):
        assert getattr(message, kind) is not None, kind
    assert messages[4].document is not None  # Telegram sends an animation as a document too
    assert messages[7].document.mime_type == "image/jpeg"
    assert messages[8].location.latitude == 31.2
    assert messages[9].contact.user_id is None and messages[9].contact.first_name == "邻居"
    assert messages[10].poll.options[0].text == "是" and 1 <= messages[11].dice.value <= 6
    copied = await bot.copy_message(GROUP, OWNER, pushed[0]["message_id"])
    assert api.messages[GROUP][copied.message_id]["voice"] == pushed[0]["voice"]
    # A file sent as a document is not a photo: Telegram refuses its id in sendPhoto.
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await bot.send_photo(GROUP, messages[7].document.file_id)


# --- chats over time: migration, removal, blocking, albums, topics ---------------------------

OLD_GROUP, NEW_SUPERGROUP = -4001, -1004001


async def test_a_group_upgraded_to_a_supergroup_moves_and_old_sends_get_migrate_to(api, bot):
    api.add_group(OLD_GROUP, title="Staff", members={STAFF: "creator"})
    api.migrate_group(OLD_GROUP, NEW_SUPERGROUP, by=STAFF)
    updates = await bot.get_updates(timeout=1)
    assert updates[0].message.migrate_to_chat_id == NEW_SUPERGROUP
    assert updates[0].message.chat.id == OLD_GROUP
    assert updates[1].message.migrate_from_chat_id == OLD_GROUP
    assert (updates[1].message.chat.id, updates[1].message.chat.type) == (
        NEW_SUPERGROUP,
        "supergroup",
    )
    with pytest.raises(telegram.error.ChatMigrated) as caught:
        await bot.send_message(OLD_GROUP, "#1 待接单")
    assert caught.value.new_chat_id == NEW_SUPERGROUP
    refused = api.calls[-1]
    assert refused.status == 400
    assert refused.result_or_error == "Bad Request: group chat was upgraded to a supergroup chat"
    assert (await bot.send_message(NEW_SUPERGROUP, "#1 待接单")).chat.id == NEW_SUPERGROUP
    assert (await bot.get_chat_member(NEW_SUPERGROUP, STAFF)).status == "creator"
    with pytest.raises(KeyError):
        api.push_text(STAFF, "/tickets", chat_id=OLD_GROUP)  # nobody writes there any more


async def test_a_removed_bot_gets_403_and_my_chat_member_then_is_added_back(api, bot):
    api.add_group(OLD_GROUP, title="Staff", members={STAFF: "creator"})
    api.set_bot_status(GROUP, "kicked", by=STAFF)
    api.set_bot_status(OLD_GROUP, "left", by=STAFF)
    for chat_id, text in (
        (GROUP, "Forbidden: bot was kicked from the supergroup chat"),
        (OLD_GROUP, "Forbidden: bot is not a member of the group chat"),
    ):
        with pytest.raises(Forbidden) as caught:
            await bot.send_message(chat_id, "🚨 煤气泄漏")
        assert api.calls[-1].result_or_error == text and caught.value.message
    with pytest.raises(KeyError):
        api.push_text(STAFF, "/tickets", chat_id=GROUP)  # the bot no longer hears the group
    api.set_bot_status(GROUP, "member", by=STAFF)
    api.set_bot_status(GROUP, "administrator", by=STAFF)
    updates = await bot.get_updates(timeout=1)
    changes = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member
    ]
    assert changes == [
        ("administrator", "kicked"),
        ("administrator", "left"),
        ("kicked", "member"),
        ("member", "administrator"),
    ]
    assert all(
        u.my_chat_member.new_chat_member.user.id == 123 for u in updates if u.my_chat_member
    )
    assert updates[0].my_chat_member.from_user.id == STAFF
    added = next(u.message for u in updates if u.message)
    assert [m.id for m in added.new_chat_members] == [123]
    assert (await bot.send_message(GROUP, "我回来了")).chat.id == GROUP


async def test_blocking_and_writing_again_are_told_as_my_chat_member(api, bot):
    api.block(OWNER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(OWNER, "账单")
    api.push_text(OWNER, "我又来了")  # the client unblocks before it sends
    updates = await bot.get_updates(timeout=1)
    kinds = [
        (u.my_chat_member.new_chat_member.status if u.my_chat_member else u.message.text)
        for u in updates
    ]
    assert kinds == ["kicked", "member", "我又来了"]
    assert updates[0].my_chat_member.chat.type == "private"
    assert (await bot.send_message(OWNER, "欢迎回来")).text == "欢迎回来"


async def test_an_album_arrives_as_one_update_per_photo_and_goes_out_in_one_call(api, bot):
    album = api.push_album(OWNER, 3, caption="卫生间漏水")
    updates = await bot.get_updates(timeout=1)
    assert len(updates) == 3
    assert len({u.message.media_group_id for u in updates}) == 1
    assert [u.message.caption for u in updates] == ["卫生间漏水", None, None]
    ids = [m["photo"][-1]["file_id"] for m in album]
    sent = await bot.send_media_group(
        GROUP,
        [
            telegram.InputMediaPhoto(i, caption="<b>#1</b>" if not n else None, parse_mode="HTML")
            for n, i in enumerate(ids)
        ]
        + [telegram.InputMediaPhoto(b"\xff\xd8\xff\xe0upload")],
    )
    assert len(sent) == 4 and len({m.media_group_id for m in sent}) == 1
    assert sent[0].caption == "#1" and sent[1].photo[-1].file_id == ids[1]
    assert [m["message_id"] for m in api.sent(GROUP)] == [m.message_id for m in sent]
    with pytest.raises(BadRequest, match="Too many messages to send as an album"):
        await bot.send_media_group(GROUP, [telegram.InputMediaPhoto(ids[0])] * 11)
    with pytest.raises(BadRequest, match="Document can't be mixed"):
        document = telegram.InputMediaDocument(ids[1])
        await bot.send_media_group(GROUP, [telegram.InputMediaPhoto(ids[0]), document])
    (alone,) = await bot.send_media_group(GROUP, [telegram.InputMediaPhoto(ids[0])])
    assert alone.media_group_id is None and alone.photo  # one item: a plain photo message


async def test_an_album_counts_each_photo_against_the_group_limit():
    async with FakeBotApi(token=TOKEN, limits=Limits(group_max=4)) as api, make_bot(api) as bot:
        api.add_user(OWNER)
        api.add_group(GROUP)
        photo = api.push_photo(OWNER)["photo"][-1]["file_id"]
        await bot.send_media_group(GROUP, [telegram.InputMediaPhoto(photo)] * 3)
        with pytest.raises(RetryAfter):
            await bot.send_media_group(GROUP, [telegram.InputMediaPhoto(photo)] * 2)
        assert len(api.sent(GROUP)) == 3  # all or nothing
        await bot.send_message(GROUP, "one more fits")


async def test_forum_topics_thread_messages_and_close(api, bot):
    forum = -1005005
    api.add_group(forum, title="服务中心", members={STAFF: "administrator"}, is_forum=True)
    assert (await bot.get_chat(forum)).is_forum
    thread = api.create_topic(forum, "3号楼", by=STAFF)
    typed = api.push_text(STAFF, "/tickets", chat_id=forum, thread_id=thread)
    update = (await bot.get_updates(timeout=1))[-1]
    assert update.message.message_thread_id == thread and update.message.is_topic_message
    assert update.message.reply_to_message.forum_topic_created.name == "3号楼"
    answer = await bot.send_message(forum, "列表", message_thread_id=thread)
    assert answer.message_thread_id == thread and answer.is_topic_message
    reply = await bot.send_message(
        forum, "回复", reply_parameters=ReplyParameters(typed["message_id"])
    )
    assert reply.message_thread_id == thread  # a reply lands in the replied message's topic
    general = await bot.send_message(forum, "General")
    assert general.message_thread_id is None and not general.is_topic_message
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(forum, "x", message_thread_id=99999)
    topic = await bot.create_forum_topic(forum, "#12 厨房漏水")
    assert topic.name == "#12 厨房漏水" and topic.message_thread_id != thread
    card = await bot.send_message(forum, "#12", message_thread_id=topic.message_thread_id)
    assert card.message_thread_id == topic.message_thread_id
    assert await bot.close_forum_topic(forum, topic.message_thread_id)
    api.set_member(forum, 123, "member")  # only administrators still write in a closed topic
    with pytest.raises(BadRequest, match="Topic_closed"):
        await bot.send_message(forum, "x", message_thread_id=topic.message_thread_id)
    with pytest.raises(BadRequest, match="The chat is not a forum"):
        await bot.create_forum_topic(GROUP, "x")


async def test_copy_message_returns_a_message_id_and_keeps_the_media(api, bot):
    voice = api.push_media(STAFF, "voice", chat_id=GROUP)
    photo = api.push_photo(STAFF, caption="师傅拍的", chat_id=GROUP)
    copied = await bot.copy_message(OWNER, GROUP, voice["message_id"])
    assert isinstance(copied, telegram.MessageId)
    assert api.sent(OWNER)[-1]["voice"]["file_id"] == voice["voice"]["file_id"]
    await bot.copy_message(
        OWNER, GROUP, photo["message_id"], caption="客服 <b>李</b>：", parse_mode="HTML"
    )
    assert api.sent(OWNER)[-1]["caption"] == "客服 李："
    assert api.sent(OWNER)[-1]["photo"] == photo["photo"]


async def test_a_member_leaving_is_a_chat_member_update_only_for_bots_that_ask(api, bot):
    api.set_member(GROUP, STAFF, "left")
    assert await bot.get_updates(timeout=0) == ()  # not in the default allowed_updates
    api.set_member(GROUP, STAFF, "member")
    updates = await bot.get_updates(timeout=1, allowed_updates=["message", "chat_member"])
    assert [u.chat_member.new_chat_member.status for u in updates] == ["member"]
    assert updates[0].chat_member.new_chat_member.user.id == STAFF


async def test_several_bots_on_one_server_each_with_its_own_chats_and_updates(api, bot):
    other = api.add_bot("456:DEF")
    other.add_user(OWNER, "王芳")
    async with make_bot(api, "456:DEF") as second:
        assert (await second.get_me()).id == 456
        other.push_text(OWNER, "to the second bot")
        api.push_text(OWNER, "to the first bot")
        got = await second.get_updates(timeout=0)
        assert [u.message.text for u in got] == ["to the second bot"]
        assert [u.message.text for u in await bot.get_updates(timeout=0)] == ["to the first bot"]
        await second.send_message(OWNER, "from the second bot")
    assert [m["text"] for m in other.sent(OWNER)] == ["from the second bot"]
    assert api.sent(OWNER) == []
