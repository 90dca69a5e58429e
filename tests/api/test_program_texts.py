"""What a bureau officer sees of each program (DOMAIN.md "Floors, corrections, objections,
texts"; API.md ◆ GET /programs): its document, the clause's text in Chinese, every
parameter's document number (never null for a shipped value) and source in Chinese (a
province value cites the notice, a national rule or 本地假设, never a city alone), and the
floor in force where the notice says 不低于."""
from __future__ import annotations

import re

from ..support import parameters_in_force

HAN = re.compile(r"[\u4e00-\u9fff]")
CITIES = ("沈阳", "大连", "鞍山", "铁岭")


def test_every_program_shows_its_document_clause_text_and_chinese_sources(staff):
    items = staff.clerk.get("/v1/programs").json()["items"]
    assert len(items) == 19
    for p in items:
        assert p["clause_text"] and HAN.search(p["clause_text"]), p["code"]
        assert p["document"]["title_zh"] and p["document"]["issued_on"], p["code"]
        for name, source in p["sources"].items():
            assert source["document_no"], (p["code"], name)
            assert HAN.search(source["source_zh"]), (p["code"], name, source["source_zh"])
            # A province value never rests on a city alone: a city's figure is 本地假设.
            if any(city in source["source_zh"] for city in CITIES):
                assert source["source_zh"].startswith("本地假设") or "上限" in source["source_zh"], source
    by_code = {p["code"]: p for p in items}
    care = by_code["care_institution_social_insurance"]
    assert care["document"] == {"title_zh": "辽宁省人民政府办公厅关于印发辽宁省“十四五”促进养老托育服务健康发展实施方案的通知",
                                "issued_on": "2022-06-13", "document_no": "辽政办发〔2022〕32号"}
    assert "对吸纳符合条件劳动者的养老托育机构按规定给予社保补贴" in care["clause_text"]
    assert care["sources"]["max_months"]["document_no"] == "财社〔2017〕164号"
    notice = by_code["job_expansion"]
    assert notice["document"]["document_no"] is None  # our copy lacks it: cited by title and date below
    assert notice["sources"]["per_hire"]["document_no"].endswith("（2022年6月4日）")
    assert "按照每人…元标准发放一次性扩岗补助" in notice["clause_text"]
    assert notice["sources"]["per_hire"]["source_zh"].startswith("《辽宁省进一步促进高校毕业生等青年群体就业创业若干政策措施》一（一）")
    search = by_code["job_search"]["sources"]["amount"]
    assert search["source"] == "local assumption: Dalian's figure" and search["source_zh"].startswith("本地假设")
    assert by_code["public_welfare_post"]["sources"]["post_subsidy_monthly"]["source_zh"].startswith("本地假设")
    assert "四（十四）" in by_code["public_welfare_post"]["sources"]["post_subsidy_monthly"]["source_zh"]
    # Today (from 2023) the national rule's 36 months, cited by its own document.
    skill = by_code["skill_certificate"]["sources"]["min_contribution_months"]
    assert skill["document_no"] == "人社部发〔2017〕40号" and "36个月" in skill["source_zh"]
    skill_2022 = staff.clerk.get("/v1/programs/skill_certificate", on="2022-07-01").json()["sources"][
        "min_contribution_months"]
    assert skill_2022["source_zh"].startswith("《辽宁省进一步促进高校毕业生等青年群体就业创业若干政策措施》三（十二）")


def test_a_value_an_admin_put_in_force_cites_the_admins_document_and_reason(client, staff):
    parameters_in_force(client.app.state.runtime.ledger, "job_search", {
        "region": "210100", "effective_from": "2022-06-04", "values": {"amount": "1200.00"},
        "document_no": "沈人社〔2022〕12号", "reason": "沈阳市一次性求职创业补贴标准调整为1200元"})
    body = staff.clerk.get("/v1/programs/job_search", region="210100", on="2022-07-01").json()
    assert body["sources"]["amount"]["document_no"] == "沈人社〔2022〕12号"
    assert body["sources"]["amount"]["source_zh"] == "沈阳市一次性求职创业补贴标准调整为1200元"
    # The floor a city keeps to: the province's value in force that day.
    assert body["bounds"]["amount"]["floor"]["value"] == "1000.00"
    assert body["bounds"]["amount"]["floor"]["region"] == "210000"
    assert body["bounds"]["amount"]["floor"]["source"].startswith("二.8")


def test_the_floor_shown_follows_the_province_value_in_force(client, staff):
    parameters_in_force(client.app.state.runtime.ledger, "startup", {
        "region": "210000", "effective_from": "2023-01-01", "values": {"amount": "6000.00"},
        "document_no": "辽人社〔2022〕99号", "reason": "全省一次性创业补贴标准提高至6000元"})
    floor = lambda on: staff.clerk.get("/v1/programs/startup", region="210200", on=on).json()[
        "bounds"]["amount"]["floor"]["value"]
    assert (floor("2022-12-31"), floor("2023-01-01")) == ("5000.00", "6000.00")
    # At the province the floor is its own value, the one its cities keep to.
    assert staff.clerk.get("/v1/programs/startup", region="210000", on="2022-12-31").json()[
        "bounds"]["amount"]["floor"]["value"] == "5000.00"


def test_every_shipped_source_has_its_chinese_text_and_every_program_its_clause():
    from ledger.policy import load_catalog
    from ledger.policy.texts import clause_text, known_sources
    catalog = load_catalog()
    assert {pv.source for pv in catalog.versions} <= known_sources()
    assert all(clause_text(code) for code in catalog.programs)
