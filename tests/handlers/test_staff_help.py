from handlers.i18n import t
from handlers.staff import COMMANDS
from handlers.staff_commands import HELP


def test_help_lists_every_staff_command_in_both_languages():
    for lang in ("en", "zh"):
        text = t(lang, HELP)
        missing = [name for name in COMMANDS if name not in ("help", "start")]
        missing = [name for name in missing if f"/{name}" not in text]
        assert missing == [], (lang, missing)
