"""SPDY/3.1 framing, the server's side, as far as Kubernetes streams need it.

kubectl 1.31+ forwards ports over WebSocket by tunnelling SPDY in it (subprotocol
`SPDY/3.1+portforward.k8s.io`, client-go's `tunneling_dialer.go`): the binary WebSocket messages
are a plain byte stream of SPDY frames (moby/spdystream's framer writes a frame in several small
writes, so frames and messages do not line up). Frames:

- control: `1 | version(15) | type(16) | flags(8) | length(24) | payload`
- data: `0 | stream id(31) | flags(8) | length(24) | payload` (flag 0x01: FIN, the sender's half
  of the stream is closed)

Header blocks (SYN_STREAM, SYN_REPLY, HEADERS) are zlib-compressed with the SPDY/3 dictionary, one
compression context per direction for the whole connection; uncompressed they are
`count(32) (name length(32) name value length(32) value)*`, names lower case."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

VERSION = 3
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN = 0x01
FLAG_UNIDIRECTIONAL = 0x02
RST_PROTOCOL_ERROR, RST_INVALID_STREAM, RST_REFUSED_STREAM, RST_CANCEL = 1, 2, 3, 5
MAX_DATA = 32 * 1024
"""Largest data frame this side sends (SPDY allows 2^24 - 1 bytes)."""

_WORDS = (
    "options head post put delete trace accept accept-charset accept-encoding accept-language "
    "accept-ranges age allow authorization cache-control connection content-base content-encoding "
    "content-language content-length content-location content-md5 content-range content-type date "
    "etag expect expires from host if-match if-modified-since if-none-match if-range "
    "if-unmodified-since last-modified location max-forwards pragma proxy-authenticate "
    "proxy-authorization range referer retry-after server te trailer transfer-encoding upgrade "
    "user-agent vary via warning www-authenticate method get status 200~OK version HTTP/1.1 url "
    "public set-cookie keep-alive origin"
)
_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 "
    "Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service "
    "UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, "
    "Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,application/xml,"
    "application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gzip,deflate,sdch"
    "charset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)


def _dictionary() -> bytes:
    """The SPDY/3 header compression dictionary (draft-mbelshe-httpbis-spdy-00, 2.6.10.1): a list
    of length-prefixed header names and values, then status lines, dates and media types."""
    words = [word.replace("~", " ") for word in _WORDS.split(" ")]  # "200~OK" is one entry
    return b"".join(struct.pack(">I", len(w)) + w.encode() for w in words) + _TAIL.encode()


DICTIONARY = _dictionary()


class SpdyError(Exception):
    """The peer sent something that is not SPDY/3 (the connection cannot go on)."""


@dataclass
class Control:
    kind: int
    flags: int
    payload: bytes
    stream_id: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    """Lower-case names (SYN_STREAM, SYN_REPLY, HEADERS); values as sent (NUL-separated lists)."""


@dataclass
class Data:
    stream_id: int
    flags: int
    data: bytes


Frame = Control | Data


class SpdyConnection:
    """Frames from the peer's byte stream (`feed`) and frames to send (the builders): keeps both
    header compression contexts, so build frames in the order they are sent."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)
        self._deflate = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, DICTIONARY)

    # -- reading -------------------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Frame]:
        """The whole frames completed by `data` (the rest waits for more bytes)."""
        self._buffer += data
        frames: list[Frame] = []
        while len(self._buffer) >= 8:
            first, flags_length = struct.unpack(">II", self._buffer[:8])
            length = flags_length & 0xFFFFFF
            if len(self._buffer) < 8 + length:
                break
            payload = bytes(self._buffer[8:8 + length])
            del self._buffer[:8 + length]
            flags = flags_length >> 24
            if first & 0x80000000:
                version, kind = (first >> 16) & 0x7FFF, first & 0xFFFF
                if version != VERSION:
                    raise SpdyError(f"unsupported SPDY version {version}")
                frames.append(self._control(kind, flags, payload))
            else:
                frames.append(Data(first & 0x7FFFFFFF, flags, payload))
        return frames

    def _control(self, kind: int, flags: int, payload: bytes) -> Control:
        frame = Control(kind, flags, payload)
        if kind in (SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE) and len(payload) >= 4:
            frame.stream_id = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
        if kind == SYN_STREAM:
            if len(payload) < 10:
                raise SpdyError("short SYN_STREAM frame")
            frame.headers = self._headers(payload[10:])
        elif kind in (SYN_REPLY, HEADERS):
            frame.headers = self._headers(payload[4:])
        return frame

    def _headers(self, block: bytes) -> dict[str, str]:
        try:
            raw = self._inflate.decompress(block)
        except zlib.error as error:
            raise SpdyError(f"bad header block: {error}") from error
        headers: dict[str, str] = {}
        try:
            (count,), offset = struct.unpack(">I", raw[:4]), 4
            for _ in range(count):
                (size,) = struct.unpack(">I", raw[offset:offset + 4])
                name = raw[offset + 4:offset + 4 + size].decode("latin-1").lower()
                offset += 4 + size
                (size,) = struct.unpack(">I", raw[offset:offset + 4])
                headers[name] = raw[offset + 4:offset + 4 + size].decode("latin-1")
                offset += 4 + size
        except struct.error as error:
            raise SpdyError("truncated header block") from error
        return headers

    # -- writing -------------------------------------------------------------------------------

    @staticmethod
    def _control_frame(kind: int, flags: int, payload: bytes) -> bytes:
        return struct.pack(">HHI", 0x8000 | VERSION, kind, (flags << 24) | len(payload)) + payload

    def _header_block(self, headers: dict[str, str]) -> bytes:
        raw = struct.pack(">I", len(headers))
        for name, value in headers.items():
            encoded_name, encoded_value = name.lower().encode("latin-1"), value.encode("latin-1")
            raw += struct.pack(">I", len(encoded_name)) + encoded_name
            raw += struct.pack(">I", len(encoded_value)) + encoded_value
        return self._deflate.compress(raw) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    def syn_reply(self, stream_id: int, headers: dict[str, str] | None = None, fin: bool = False) -> bytes:
        payload = struct.pack(">I", stream_id) + self._header_block(headers or {})
        return self._control_frame(SYN_REPLY, FLAG_FIN if fin else 0, payload)

    @staticmethod
    def data(stream_id: int, data: bytes, fin: bool = False) -> bytes:
        """One data frame (callers split at MAX_DATA)."""
        return struct.pack(">II", stream_id & 0x7FFFFFFF, ((FLAG_FIN if fin else 0) << 24) | len(data)) + data

    @classmethod
    def ping(cls, ping_id: int) -> bytes:
        return cls._control_frame(PING, 0, struct.pack(">I", ping_id))

    @classmethod
    def rst_stream(cls, stream_id: int, status: int) -> bytes:
        return cls._control_frame(RST_STREAM, 0, struct.pack(">II", stream_id, status))

    @classmethod
    def goaway(cls, last_stream_id: int, status: int = 0) -> bytes:
        return cls._control_frame(GOAWAY, 0, struct.pack(">II", last_stream_id, status))
