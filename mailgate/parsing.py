"""Reading a raw RFC 5322 message into what intake needs, whatever the sender's software did.

The standard library parses with `policy.compat32`, which leaves headers as written (cheaper
than `policy.default`'s header objects); this module decodes RFC 2047 words (the parser reads
RFC 2231 file names) and adds the tolerance real mail needs: charsets that lie (Shift_JIS with
Windows characters, ISO-2022-JP with extensions, 8-bit headers without a charset), HTML-only
mail, headers that do not parse, and no Message-ID.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

import nh3

from helpdesk.outbox import LOOP_HEADER

MESSAGE_ID_MAX = 255
HTML_MAX = 1024 * 1024  # characters of sanitised HTML kept for the zoom's HTML view

# What a label may mean in practice: the first that decodes without error wins.
CHARSET_FALLBACKS = {
    "shift_jis": ["cp932", "shift_jis_2004"],
    "shift-jis": ["cp932", "shift_jis_2004"],
    "sjis": ["cp932"],
    "x-sjis": ["cp932"],
    "iso-2022-jp": ["iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004"],
    "euc-jp": ["euc_jis_2004", "euc_jp"],
    "ks_c_5601-1987": ["cp949"],
    "gb2312": ["gb18030"],
    "gbk": ["gb18030"],
    "iso-8859-1": ["cp1252"],
    "us-ascii": ["utf-8", "cp1252"],
}
LAST_RESORT = ["utf-8", "cp932", "cp1252"]


class UnreadableMessage(Exception):
    """Not an email we can read at all (the pipe exits 65)."""


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text of `data` in its declared charset, or the closest that decodes it cleanly."""
    label = (charset or "").strip().strip('"').lower()
    candidates = [label] if label else []
    candidates += CHARSET_FALLBACKS.get(label, []) + LAST_RESORT
    for name in candidates:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def clean_text(text: str) -> str:
    """Undo the surrogate escapes the parser leaves for undeclared 8-bit header bytes."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return decode_bytes(text.encode("utf-8", "surrogateescape"), None)


class _TextFromHtml(HTMLParser):
    """Readable text of an HTML body: block elements start lines, scripts and styles vanish."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"}
    HIDDEN = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "blockquote":
            self.parts.append("\n> ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _TextFromHtml()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # malformed beyond what the parser tolerates: fall back to no tags
        return html.unescape(nh3.clean(markup, tags=set())).strip()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _raw_header(message: Message, name: str) -> str | None:
    """The first `name` header as the sender wrote it (unfolded, encoded words and all)."""
    name = name.lower()
    for key, raw in message.raw_items():
        if key.lower() == name:
            return raw if isinstance(raw, str) else str(raw)
    return None


def decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded, each in its charset or the closest that reads it."""
    if "=?" not in text:
        return clean_text(text)
    try:
        parts = decode_header(text)
    except Exception:  # a broken encoded word is shown as written
        return clean_text(text)
    return "".join(
        decode_bytes(part, charset) if isinstance(part, bytes) else clean_text(part)
        for part, charset in parts
    )


def _header(message: Message, name: str) -> str:
    value = _raw_header(message, name)
    if value is None:
        return ""
    return " ".join(decode_words(" ".join(value.split())).split())


def _addresses(message: Message, *names: str) -> list[str]:
    found: list[str] = []
    wanted = {name.lower() for name in names}
    for key, raw in message.raw_items():
        if key.lower() not in wanted:
            continue
        for _, address in getaddresses([clean_text(" ".join(str(raw).split()))]):
            address = address.strip().lower()
            if "@" in address and address not in found:
                found.append(address)
    return found


def _safe_has(message: Message, name: str) -> bool:
    try:
        return name in message
    except Exception:
        return False


def _part_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    return payload


def _part_text(part: Message) -> str:
    return decode_bytes(_part_bytes(part), part.get_content_charset())


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    # RFC 2231 is decoded by the parser; encoded words in a quoted name are not standard, but
    # common (Outlook, Gmail).
    return decode_words(name or "").strip()


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class Mail:
    """What intake reads from one message."""

    message_id: str
    subject: str
    sender: str
    to: list[str]
    cc: list[str]
    delivered_to: list[str]
    in_reply_to: list[str]
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    report_type: str = ""
    # Message-IDs of messages quoted whole (a bounce returns the message that failed).
    embedded_ids: list[str] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc, *self.delivered_to]


MESSAGE_ID = re.compile(r"<[^<>\s]+>")
HEADERS_KEPT = (
    "Auto-Submitted",
    "Precedence",
    "X-Auto-Response-Suppress",
    "Return-Path",
    "X-Loop",
    "List-Id",
    "X-Autoreply",
    "X-Autorespond",
    LOOP_HEADER,
)


def message_id_of(message: Message, raw: bytes) -> str:
    ids = MESSAGE_ID.findall(_header(message, "Message-ID"))
    if ids and len(ids[0]) <= MESSAGE_ID_MAX:
        return ids[0]
    # Line endings normalised: an MTA pipe hands over LF, IMAP returns CRLF, same message.
    return "sha256:" + hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()


def parse(raw: bytes) -> Mail:
    """Read one raw message. Raises `UnreadableMessage` when there is no message to read."""
    if not raw or not raw.strip():
        raise UnreadableMessage("The message is empty.")
    try:
        message = BytesParser(policy=policy.compat32).parsebytes(raw)
    except Exception as exc:
        raise UnreadableMessage(f"The message cannot be parsed: {exc}") from exc
    if not any(
        _safe_has(message, name) for name in ("From", "Message-ID", "Subject", "Date", "To")
    ):
        raise UnreadableMessage("The message has no header we know (From, To, Subject, Date).")

    from_header = _header(message, "From")
    senders = getaddresses([from_header]) if from_header else []
    sender = senders[0][1] if senders else ""
    sender = sender.strip().lower() if "@" in sender else ""

    text_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[Attachment] = []
    embedded_ids: list[str] = []
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            try:
                inner = part.get_payload(0)
            except (IndexError, TypeError):
                inner = None
            if isinstance(inner, Message):
                embedded_ids += MESSAGE_ID.findall(_header(inner, "Message-ID"))
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        if disposition == "attachment" or (filename and content_type not in ("text/plain",)):
            attachments.append(
                Attachment(filename or "attachment", content_type, _part_bytes(part))
            )
        elif content_type == "text/plain":
            text_parts.append(_part_text(part))
        elif content_type == "text/html":
            html_parts.append(_part_text(part))
        elif content_type in ("message/delivery-status", "text/rfc822-headers"):
            text_parts.append(_part_text(part))
            if content_type == "text/rfc822-headers":
                embedded_ids += MESSAGE_ID.findall(
                    " ".join(re.findall(r"(?im)^message-id:\s*(.*)$", text_parts[-1]))
                )
        elif content_type.startswith(("image/", "application/", "audio/", "video/")):
            attachments.append(
                Attachment(filename or _unnamed(content_type), content_type, _part_bytes(part))
            )
    # message/rfc822 parts are walked into: their text joins the body (a bounce quotes the
    # returned message), which is what an agent needs to read.
    markup = "\n".join(html_parts)
    text = "\n\n".join(t.strip("\n") for t in text_parts if t.strip())
    if not text and markup:
        text = html_to_text(markup)
    return Mail(
        message_id=message_id_of(message, raw),
        subject=_header(message, "Subject"),
        sender=sender,
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        delivered_to=_addresses(message, "Delivered-To", "X-Original-To", "Envelope-To"),
        in_reply_to=MESSAGE_ID.findall(
            _header(message, "In-Reply-To") + " " + _header(message, "References")
        ),
        text=text.replace("\r\n", "\n").replace("\x00", ""),
        html=nh3.clean(markup)[:HTML_MAX] if markup.strip() else "",
        attachments=attachments,
        headers={name: _header(message, name) for name in HEADERS_KEPT if _safe_has(message, name)},
        report_type=(message.get_param("report-type") or "").lower()
        if message.get_content_type() == "multipart/report"
        else "",
        embedded_ids=embedded_ids,
    )


def _unnamed(content_type: str) -> str:
    extension = content_type.split("/", 1)[-1].split("+")[0][:10]
    return f"attachment.{extension}"
