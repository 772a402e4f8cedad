"""WebVTT, SRT and TTML caption files -> timed cues (seconds from the programme start).

- **WebVTT**: a ``WEBVTT`` header, then blocks separated by blank lines; a cue is an
  optional identifier, a timing line ``[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]``
  and its text; ``NOTE``, ``STYLE`` and ``REGION`` blocks are skipped. Cue tags
  (``<v Name>``, ``<c.x>``, ``<i>``, inline timestamps) are removed; the first voice
  name is kept as the speaker.
- **SRT**: numbered blocks with ``hh:mm:ss,mmm --> hh:mm:ss,mmm`` and text; HTML-like
  formatting tags are removed.
- **TTML** (DFXP, IMSC): ``<p begin= end= | dur=>`` elements, times relative to their
  parent's ``begin``; clock times ``hh:mm:ss[.fraction]`` or ``hh:mm:ss:frames``, offset
  times ``<number>(h|m|s|ms|f|t)`` with ``ttp:frameRate`` and ``ttp:tickRate``;
  ``<br/>`` is a line break. Parsed with defusedxml's ElementTree: no entity
  declarations, no external entity.

Every parser raises :class:`MalformedPayload` with the reason when nothing usable is
found (wrong header, no cue, bad timing, invalid XML).
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET

from socialhub.connectors.base import MalformedPayload
from socialhub.records.quarantine import Reason


@dataclass(slots=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str = ""


_TIMING = re.compile(
    r"^\s*(?P<a>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<b>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
_TAG = re.compile(r"<[^>]*>")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")


def _clock(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    if minutes > 59 or seconds >= 60:
        raise ValueError(value)
    return hours * 3600 + minutes * 60 + seconds


def _clean(text: str) -> str:
    text = html.unescape(_TAG.sub("", text))
    return re.sub(r"[ \t]+", " ", text).strip()


def _blocks(text: str) -> list[list[str]]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [b.split("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]


def _timed_blocks(blocks: list[list[str]], fmt: str) -> list[Cue]:
    cues: list[Cue] = []
    for lines in blocks:
        index = next((i for i, line in enumerate(lines[:2]) if "-->" in line), None)
        if index is None:
            continue  # an identifier-only or stray block: nothing to time
        match = _TIMING.match(lines[index])
        if match is None:
            why = Reason("caption_bad_cue_timing", format=fmt, value=repr(lines[index].strip()))
            raise MalformedPayload(why)
        try:
            start, end = _clock(match["a"]), _clock(match["b"])
        except ValueError as exc:
            raise MalformedPayload(Reason("caption_bad_time", format=fmt, error=str(exc))) from exc
        if end < start:
            value = repr(lines[index].strip())
            raise MalformedPayload(Reason("caption_cue_ends_before_start", format=fmt, value=value))
        payload = "\n".join(lines[index + 1 :])
        voice = _VOICE.search(payload)
        text = _clean(payload)
        if text:
            cues.append(Cue(start, end, text, voice[1].strip() if voice else ""))
    if not cues:
        raise MalformedPayload(Reason("caption_no_cue", format=fmt))
    return cues


def parse_vtt(text: str) -> list[Cue]:
    blocks = _blocks(text)
    if not blocks or not blocks[0][0].startswith("WEBVTT"):
        raise MalformedPayload(Reason("caption_vtt_no_header"))
    kept = [b for b in blocks[1:] if b[0].split(" ")[0] not in ("NOTE", "STYLE", "REGION")]
    if "-->" in "".join(blocks[0][1:]):  # a cue glued to the header without a blank line
        kept.insert(0, blocks[0][1:])
    return _timed_blocks(kept, "vtt")


def parse_srt(text: str) -> list[Cue]:
    return _timed_blocks(_blocks(text), "srt")


# -- TTML ------------------------------------------------------------------------------

TT_NS = "http://www.w3.org/ns/ttml"
TTP_NS = "http://www.w3.org/ns/ttml#parameter"
_OFFSET = re.compile(r"^(?P<n>\d+(?:\.\d+)?)(?P<unit>h|ms|m|s|f|t)$")
_CLOCK_FRAMES = re.compile(r"^(\d+):(\d{2}):(\d{2}):(\d+(?:\.\d+)?)$")
_CLOCK = re.compile(r"^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$")


@dataclass(slots=True)
class _Rates:
    frame: float = 30.0
    tick: float = 1.0


def ttml_time(value: str, rates: _Rates) -> float:
    """A TTML ``<time-expression>`` in seconds (media time base)."""
    value = value.strip()
    if match := _CLOCK.match(value):
        return int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3])
    if match := _CLOCK_FRAMES.match(value):
        frames = float(match[4]) / rates.frame
        return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3]) + frames
    if match := _OFFSET.match(value):
        n, unit = float(match["n"]), match["unit"]
        scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
        if unit in scale:
            return n * scale[unit]
        return n / (rates.frame if unit == "f" else rates.tick)
    if re.fullmatch(r"\d+(?:\.\d+)?", value):  # TTML1 allowed a bare count: seconds
        return float(value)
    raise MalformedPayload(Reason("caption_ttml_bad_time", value=repr(value)))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _p_text(elem: ET.Element) -> str:
    parts: list[str] = [elem.text or ""]
    for child in elem:
        parts.append("\n" if _local(child.tag) == "br" else _p_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def parse_ttml(text: str) -> list[Cue]:
    # defusedxml refuses DTDs with entities (billion laughs, external entities): a
    # caption file never needs one
    try:
        root = DefusedET.fromstring(text.lstrip("\ufeff").encode(), forbid_dtd=False)
    except ET.ParseError as exc:
        raise MalformedPayload(Reason("caption_ttml_invalid_xml", error=str(exc))) from exc
    except DefusedXmlException as exc:
        raise MalformedPayload(Reason("caption_ttml_refused_xml", error=repr(exc))) from exc
    if _local(root.tag) != "tt":
        raise MalformedPayload(Reason("caption_ttml_bad_root", tag=_local(root.tag)))
    rates = _Rates()
    try:
        given = root.get(f"{{{TTP_NS}}}frameRate")
        num, _, den = (root.get(f"{{{TTP_NS}}}frameRateMultiplier") or "1 1").partition(" ")
        rates.frame = float(given or 30) * float(num) / float(den or 1)
        # The spec's default tick rate: the frame rate when one is given, else 1.
        rates.tick = float(root.get(f"{{{TTP_NS}}}tickRate") or (rates.frame if given else 1))
        if rates.frame <= 0 or rates.tick <= 0:
            raise ValueError("rates must be positive")
    except ValueError as exc:
        raise MalformedPayload(Reason("caption_ttml_bad_timing", error=str(exc))) from exc
    cues: list[Cue] = []

    def walk(elem: ET.Element, offset: float) -> None:
        begin = offset + ttml_time(elem.get("begin", "0s"), rates)
        if _local(elem.tag) == "p":
            if elem.get("end"):
                end = offset + ttml_time(elem.get("end", ""), rates)
            elif elem.get("dur"):
                end = begin + ttml_time(elem.get("dur", ""), rates)
            else:
                raise MalformedPayload(Reason("caption_ttml_p_without_end"))
            body = _clean(_p_text(elem).replace("\n", " \n "))
            if body:
                cues.append(Cue(begin, end, re.sub(r" ?\n ?", "\n", body)))
            return
        for child in elem:
            walk(child, begin)

    body = root.find(f"{{{TT_NS}}}body")
    if body is None:
        body = next((e for e in root if _local(e.tag) == "body"), None)
    if body is None:
        raise MalformedPayload(Reason("caption_ttml_no_body"))
    walk(body, 0.0)
    if not cues:
        raise MalformedPayload(Reason("caption_ttml_no_timed_p"))
    cues.sort(key=lambda c: c.start)
    return cues


PARSERS = {"vtt": parse_vtt, "srt": parse_srt, "ttml": parse_ttml}
EXTENSIONS = {".vtt": "vtt", ".srt": "srt", ".ttml": "ttml", ".dfxp": "ttml", ".xml": "ttml"}
