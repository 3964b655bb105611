"""HTML from Anki fields and Moodle's editor, as the plain text studyrnn shows.

    html_to_text('<p dir="ltr">a&nbsp;b<br>c</p><img src="@@PLUGINFILE@@/x.png">')
    -> HtmlText(text='a b\\nc\\n[image: x.png]', media=['x.png'])

Entities are decoded, ``<br>`` is a newline, block elements (``p``, ``div``, ``li``, headings,
table rows) start a new line, list items get ``- ``, runs of spaces collapse as a browser
collapses them (but not inside ``<pre>``), ``<script>``/``<style>`` bodies are dropped, every
other tag is dropped and its text kept (``<b>x</b>`` -> ``x``). Images, audio and video become
``[image: name]``/``[media: name]`` placeholders and are listed in ``media`` so an importer can
report them (studyrnn carries no media). Anki's ``[sound:x.mp3]`` is a media reference too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote

_BLOCK = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote pre section article hr dt dd".split()
)
_SKIP = frozenset({"script", "style", "head", "title"})
_MEDIA_TAGS = {"img": "image", "audio": "media", "video": "media", "source": "media"}
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
# Cheap test: text with no tag and no entity is returned as it is (after whitespace handling).
_LOOKS_HTML = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z]")


@dataclass
class HtmlText:
    text: str
    media: list[str] = field(default_factory=list)


def _media_name(src: str) -> str:
    src = unquote(src.replace("@@PLUGINFILE@@/", "")).strip()
    return src.rsplit("/", 1)[-1] or src


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.media: list[str] = []
        self.skip = 0
        self.pre = 0

    def _newline(self) -> None:
        self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "br":
            self.parts.append("\x00BR")
            return
        if tag in _MEDIA_TAGS:
            src = dict(attrs).get("src") or ""
            if src:
                name = _media_name(src)
                self.media.append(name)
                self.parts.append(f"[{_MEDIA_TAGS[tag]}: {name}]")
            return
        if tag == "pre":
            self.pre += 1
        if tag in _BLOCK:
            self._newline()
        if tag == "li":
            self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br",) and tag not in _MEDIA_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(self.skip - 1, 0)
            return
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)
        if tag in _BLOCK:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self.parts.append(data.replace("\n", "\x00BR"))
        else:
            self.parts.append(data)


def _tidy(raw: str) -> str:
    """Collapse whitespace the way a browser does, then make the kept line breaks real."""
    raw = raw.replace("\xa0", " ")
    lines = []
    for line in raw.split("\n"):
        lines.append(" ".join(line.replace("\t", " ").split(" ")).strip(" "))
    # Collapse runs of spaces inside each line; block boundaries give single newlines.
    text = "\n".join(re.sub(r" {2,}", " ", line) for line in lines)
    text = re.sub(r"\n{2,}", "\n", text.strip("\n"))
    text = text.replace("\x00BR", "\n")
    return "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n")


def html_to_text(html: str) -> HtmlText:
    """``html`` as plain text plus the media it referenced (see the module docstring)."""
    media = [m.group(1).strip() for m in _SOUND.finditer(html)]
    html = _SOUND.sub(lambda m: f"[media: {m.group(1).strip()}]", html)
    if not _LOOKS_HTML.search(html):
        return HtmlText(_tidy(html.replace("\r\n", "\n").replace("\n", " ")), media)
    collector = _Collector()
    collector.feed(html.replace("\r\n", "\n"))
    collector.close()
    # Source newlines are whitespace in HTML; only tags make line breaks.
    raw = "".join(p if p == "\n" else p.replace("\n", " ") for p in collector.parts)
    return HtmlText(_tidy(raw), media + collector.media)


def plain_to_html(text: str) -> str:
    """Literal text as HTML: escaped, newlines as ``<br>`` (the inverse of ``html_to_text``)."""
    import html

    return html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")
