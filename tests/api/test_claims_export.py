"""GET /v1/claims as CSV or XLSX (issue 20, "Finding things"): the whole filtered list, not
one page, with program and region names beside the codes, a 合计 row in fen-exact amounts,
identity numbers masked as the JSON shows them, and the XLSX set up to print (A4
landscape, one page wide, the header row repeated)."""
from __future__ import annotations

import csv
import io

import openpyxl

from projections.reads.export import XLSX_TYPE

from ..support import job_expansion_claim, make_user


def _claims(admin, n: int):
    clerk = make_user(admin, "clerk", ["clerk"], ["210000"])
    for i in range(n):
        r = clerk.post("/v1/claims", job_expansion_claim(region="210100" if i % 2 else "210200"))
        assert r.status_code == 201, r.text
    return clerk


def test_the_whole_filtered_list_exports_as_csv_and_xlsx(admin):
    clerk = _claims(admin, 5)
    every = clerk.get("/v1/claims", region="210100", limit=1000).json()["items"]
    assert len(every) == 2
    r = clerk.get("/v1/claims", headers={"Accept": "text/csv"}, region="210100", limit=1)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="claims.csv"' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(every) + 1, "every page of the filtered list, and its total"
    assert [row[0] for row in rows[1:-1]] == [c["claim_id"] for c in every]
    assert rows[1][2] == "一次性扩岗补助" and rows[1][4] == "沈阳市"
    assert rows[1][6] == every[0]["applicant"]["id"], "as the JSON shows it"
    entitled = sum(int(c["amounts"]["entitled"].replace(".", "")) for c in every)
    assert rows[-1][0].startswith("合计") and rows[-1][-3] == f"{entitled // 100}.{entitled % 100:02d}"

    r = clerk.get("/v1/claims", headers={"Accept": XLSX_TYPE}, region="210100")
    assert r.status_code == 200 and r.headers["content-type"] == XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [v[0] for v in values[1:-1]] == [c["claim_id"] for c in every]
    assert round(values[-1][-3] * 100) == entitled
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == "1:1"


def test_an_export_keeps_to_the_callers_regions(admin):
    _claims(admin, 4)
    dalian = make_user(admin, "dalian reviewer", ["reviewer"], ["210200"])
    rows = list(csv.reader(io.StringIO(dalian.get("/v1/claims", headers={"Accept": "text/csv"}).content
                                       .decode("utf-8-sig"))))
    assert {row[3] for row in rows[1:-1]} == {"210200"}
    assert len(rows) - 2 == len(dalian.get("/v1/claims", limit=1000).json()["items"]) == 2
