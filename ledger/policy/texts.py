"""What a bureau officer reads beside each program and parameter (DOMAIN.md, "Floors,
corrections, objections, texts"): the document a program's clause belongs to, the clause's
text in Chinese, and for every parameter version, and every parameter's bounds, its document
number and its source in Chinese. The texts are data (documents.toml).

They are read beside the rules, never into them: a shipped version recorded in a ledger's
log keeps its `source` and its `document_no` (none, for the shipped file) as recorded, so
its rule version is what it always was; the citation below is derived from them. A version
an admin put in force cites the document number and reason the admin gave."""
from __future__ import annotations

import datetime as dt
import functools
import tomllib
from pathlib import Path

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 as written in item numbers: 一, 十, 十四, 二十七."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


@functools.cache
def _data() -> dict:
    with open(Path(__file__).parent / "documents.toml", "rb") as f:
        data = tomllib.load(f)
    for table in ("sources", "bound_sources"):
        for source, entry in data[table].items():
            if entry.get("document") is not None and entry["document"] not in data["documents"]:
                raise ValueError(f"documents.toml: {table} {source!r} cites an unknown document {entry['document']!r}")
    return data


def documents() -> dict[str, dict]:
    return _data()["documents"]


def citation(key: str) -> str:
    """A document's number, or where it has none in our copy its title and date."""
    doc = documents()[key]
    issued = doc["issued_on"]
    return doc.get("document_no") or f"{doc['title_zh']}（{issued.year}年{issued.month}月{issued.day}日）"


def document_wire(key: str) -> dict:
    """GET /programs: the program's `document`."""
    doc = documents()[key]
    issued: dt.date = doc["issued_on"]
    return {"title_zh": doc["title_zh"], "issued_on": issued.isoformat(), "document_no": doc.get("document_no")}


def clause_zh(clause: str) -> str:
    """"一.1" as the document numbers it: 一（一） (the notice numbers its items across its
    parts, so 四.14 is 四（十四）); the care plan's 三.2 is 三（二）."""
    part, item = clause.split(".")
    return f"{part}（{chinese_number(int(item))}）"


def clause_text(code: str) -> str | None:
    return _data()["clause_texts"].get(code)


def known_sources() -> set[str]:
    return set(_data()["sources"])


def known_bound_sources() -> set[str]:
    return set(_data()["bound_sources"])


def _cite(entry: dict, document: str, reference: str) -> dict:
    """An entry of `sources` or `bound_sources`: the document it cites (without one, the
    program's `document`) and its Chinese text with the short names and clause filled in."""
    cited = entry.get("document") or document
    docs = {key: doc["short_zh"] for key, doc in documents().items()}
    clause = clause_zh(reference) if reference else ""
    text = entry["zh"].format(document=docs[cited], clause=clause, notice=docs["notice"], docs=docs)
    return {"document_no": citation(cited), "source_zh": text}


def bound_citation(document: str, reference: str, source: str) -> dict:
    """`document_no` and `source_zh` of a bound's (or a floor's) `source` (parameters.toml,
    or the unit's general range) for a parameter of the program whose document is
    `document` and whose clause is `reference`. A source without its Chinese text here (a
    bound added without one) shows as written, citing the program's document."""
    entry = _data()["bound_sources"].get(source)
    if entry is None:
        return {"document_no": citation(document), "source_zh": source}
    return _cite(entry, document, reference)


def parameter_citation(document: str, reference: str, source: dict) -> dict:
    """`document_no` and `source_zh` for one parameter version as GET /programs shows its
    source (`source`: region, effective_from, document_no, source). A shipped version has
    no document number of its own: it cites the document its source names, else the
    program's own document (whose clause leaves the figure open). A version an admin put in
    force has the number the admin gave, and the admin's reason as its source."""
    if source.get("document_no"):
        return {"document_no": source["document_no"], "source_zh": source.get("source") or ""}
    entry = _data()["sources"].get(source.get("source") or "")
    if entry is None:
        return {"document_no": citation(document), "source_zh": source.get("source") or ""}
    return _cite(entry, document, reference)
