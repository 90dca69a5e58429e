"""API.md, "Nothing secret in logs or output": identity numbers are masked in the access log
after percent-decoding (`%31` is `1`)."""
from __future__ import annotations

import io
import logging
from urllib.parse import quote

from api.logs import MaskIdentityNumbers, mask_text

from ..support import person_id

# uvicorn's access-log line: client, method, path with query (as sent), HTTP version, status.
ACCESS_FORMAT = '%s - "%s %s HTTP/%s" %d'


def _access_line(path: str) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskIdentityNumbers())
    logger = logging.getLogger("tests.access-log")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning(ACCESS_FORMAT, "127.0.0.1:40000", "GET", path, "1.1", 200)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_an_identity_number_hidden_behind_percent_escapes_is_masked():
    line = _access_line("/v1/claims?applicant_id=21020220010407407%31")
    assert "210202200104074071" not in line and "21020220010407407" not in line, line
    assert "2102**********4071" in line, line


def test_every_escaped_form_is_masked_and_plain_paths_are_left_as_they_came():
    number = person_id(region="210102", birth="19990815")
    escaped_all = "".join(f"%{ord(c):02X}" for c in number)
    for path in (f"/v1/claims?applicant_id={number}", f"/v1/claims?applicant_id={escaped_all}",
                 f"/v1/claims/{number[:9]}%{ord(number[9]):02x}{number[10:]}",
                 f"/v1/claims?x=1&applicant_id={number.lower()}"):
        line = _access_line(path)
        assert number[4:14] not in line, line
        assert number[:4] + "*" * 10 + number[-4:] in line.upper(), line
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    for path in (f"/v1/claims?applicant_id={full_width}", f"/v1/claims?applicant_id={quote(full_width)}"):
        line = _access_line(path)
        assert full_width[4:14] not in line and number[4:14] not in line and quote(full_width[4:14]) not in line, line
    # Escapes that hide no number stay as they came; a decoded one never breaks the line.
    assert mask_text("/v1/claims?region=%E8%BE%BD%E5%AE%81") == "/v1/claims?region=%E8%BE%BD%E5%AE%81"
    tricky = mask_text(f"/v1/claims?applicant_id={number[:-1]}%{ord(number[-1]):02X}%0Aforged%20line")
    assert "\n" not in tricky and number not in tricky, tricky
