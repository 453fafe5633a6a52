"""Logging that does not write e-mail addresses into log files."""

import logging
import re

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def redact(text: str) -> str:
    """Replace every e-mail address with a placeholder."""
    return EMAIL_RE.sub("<e-mail>", text)


class RedactEmailFilter(logging.Filter):
    """Masks e-mail addresses in messages and tracebacks (e.g. an SMTP refusal that
    names its recipient, or a library logging "sent to <address>")."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - bad format arguments: never raise from logging
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True
