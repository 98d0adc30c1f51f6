"""Files read as streams: the CSV inside a zip archive (INSEE publishes its stock files zipped) and text
streams for readers that go through a file row by row in bounded memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import InputError, Location
from ..safety.inputs import check_input_file

ENCODINGS = ("utf-8-sig", "cp1252")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, file: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes with the given encoding or the first supported one that fits.

    A UTF-16 byte-order mark (Excel's « Texte Unicode ») is honoured. A file that is
    UTF-8 up to some line and then holds a stray byte is refused rather than read as
    cp1252, which would silently turn every « é » into « Ã© ».
    """
    if not encoding and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    candidates = (encoding,) if encoding else ENCODINGS
    failures = []
    for enc in candidates:
        try:
            return data.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError as exc:
            failures.append((enc, exc))
            if enc == "utf-8-sig" and any(b >= 0x80 for b in data[:exc.start]):
                raise InputError(
                    f"the file is UTF-8 but byte 0x{data[exc.start]:02x} at offset {exc.start} is not; "
                    "fix that character or save the whole file as UTF-8",
                    Location(file, None, _line_of(data, exc.start), None)) from None
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", Location(file)) from None
    # Report where the last candidate failed: that is where no encoding fits.
    enc, exc = failures[-1]
    line = _line_of(data, exc.start)
    names = " or ".join("UTF-8" if e == "utf-8-sig" else e for e, _ in failures)
    raise InputError(
        f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid {names}; "
        "save the file as UTF-8 or give --encoding",
        Location(file, None, line, None),
    )


def zip_member(path: Path) -> str:
    """The CSV file a zip archive holds (INSEE publishes ``StockEtablissement_utf8.zip`` holding
    ``StockEtablissement_utf8.csv``); an archive with none, or with several, is refused."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
    except zipfile.BadZipFile:
        raise InputError("not a valid zip archive", Location(str(path))) from None
    csvs = [n for n in names if n.lower().endswith((".csv", ".txt"))]
    if len(csvs) == 1:
        return csvs[0]
    if not csvs:
        raise InputError(f"the zip archive holds no CSV file ({', '.join(names[:8]) or 'nothing'})", Location(str(path)))
    raise InputError(f"the zip archive holds several CSV files ({', '.join(csvs[:8])}); extract the one to load",
                     Location(str(path)))


def _sniff_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) when the first bytes are UTF-8 (a character cut at the end does not
    count), else cp1252."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        return "utf-8-sig" if exc.start >= len(head) - 3 else "cp1252"


def open_text(path: str | Path, encoding: str | None = None) -> tuple[io.TextIOBase, str, str]:
    """A text stream over a CSV file, or over the CSV inside a zip archive (read without extracting it),
    for readers that go through a file row by row in bounded memory. Returns (stream, encoding, what it
    reads: the file, or « archive.zip » followed by ``!member``). The encoding is sniffed from the first
    64 KiB unless given; a byte that does not fit further down is an error raised while reading."""
    path = check_input_file(path)
    if zipfile.is_zipfile(path):
        member = zip_member(path)
        zf = zipfile.ZipFile(path)
        raw = zf.open(member)
        what = f"{path.name}!{member}"
    else:
        raw = open(path, "rb")  # noqa: SIM115 - handed over to the TextIOWrapper
        what = path.name
    buffered = io.BufferedReader(raw, 1 << 20) if not isinstance(raw, io.BufferedReader) else raw
    head = buffered.peek(1 << 16)[: 1 << 16]
    if not head.strip():
        buffered.close()
        raise InputError("the file is empty", Location(str(path)))
    used = encoding or _sniff_encoding(head)
    if used != "utf-16":  # a byte that does not fit in the first 64 KiB: said with its line, as the common reader does
        cut = head if len(head) < (1 << 16) else head[: head.rfind(b"\n") + 1]
        try:
            decode(cut, str(path), used)
        except InputError:
            buffered.close()
            raise
    try:
        stream = io.TextIOWrapper(buffered, encoding=used, newline="")
    except LookupError:
        buffered.close()
        raise InputError(f"unknown encoding {encoding!r}", Location(str(path))) from None
    return stream, ("utf-8" if used == "utf-8-sig" else used), what
