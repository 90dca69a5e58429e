"""What a bureau officer sees of each program (DOMAIN.md "Floors, corrections, objections,
texts"; API.md ◆ GET /programs): its document, the clause's text in Chinese, every
parameter's document number (never null for a shipped value) and source in Chinese (a
province value cites the notice, a national rule or 本地假设, never a city alone), the
floor in force where the notice says 不低于, and every bound's and floor's source in
Chinese with its document number, in GET /programs and in a refusal that quotes it."""
from __future__ import annotations

import re

from ..support import parameters_in_force
from .helpers import SHENYANG, assert_problem

HAN = re.compile(r"[\u4e00-\u9fff]")
CITIES = ("沈阳", "大连", "鞍山", "铁岭")
NOTICE_NO = "辽宁省人民政府办公厅关于印发辽宁省进一步促进高校毕业生等青年群体就业创业若干政策措施的通知（2022年6月4日）"


def chinese_only(text: str) -> bool:
    """Chinese as an officer reads it: Han characters, and besides them only digits,
    punctuation and document numbers (no English word, no file name such as DOMAIN.md)."""
    return bool(HAN.search(text)) and not re.search(r"[A-Za-z]{2,}", text)


def cited_in_chinese(where: tuple, cited: dict) -> None:
    assert cited["source"], where
    assert chinese_only(cited["source_zh"]), (where, cited["source_zh"])
    assert cited["document_no"], where


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


def test_every_bound_and_floor_shows_its_source_in_chinese_with_its_document(staff):
    """Issue 19/20: an officer reads each bound's (and floor's) source in Chinese; the English
    `source` stays beside it. A bound added without its text in documents.toml shows its
    English source here, and fails."""
    items = staff.clerk.get("/v1/programs").json()["items"]
    assert len(items) == 19
    floors = 0
    for p in items:
        single = staff.clerk.get(f"/v1/programs/{p['code']}", region=SHENYANG).json()
        assert single["bounds"].keys() == p["bounds"].keys() == p["parameters"].keys(), p["code"]
        for listed in (p, single):
            for name, bound in listed["bounds"].items():
                cited_in_chinese((p["code"], name), bound)
                if "floor" in bound:
                    floors += listed is single
                    cited_in_chinese((p["code"], name, "floor"), bound["floor"])
                    assert bound["floor"]["of_zh"] == "本省同日现行标准" and bound["floor"]["of"]
    assert floors == 4  # 二.4 (two), 二.5, 二.8
    by_code = {p["code"]: p for p in items}
    per_hire = by_code["job_expansion"]["bounds"]["per_hire"]
    assert per_hire["source"].startswith("local assumption (本地假设)")  # kept for the clients reading it
    assert per_hire["source_zh"].startswith("《辽宁省进一步促进高校毕业生等青年群体就业创业若干政策措施》一（一）：")
    assert "每招用1人不超过1500元" in per_hire["source_zh"] and "本地假设" in per_hire["source_zh"]
    assert per_hire["document_no"] == NOTICE_NO
    # A national rule is cited by its own number; a care program's bound by the plan's.
    assert by_code["public_welfare_post"]["bounds"]["max_months"]["document_no"] == "财社〔2017〕164号"
    care = by_code["care_worker_training"]["bounds"]["primary"]
    assert care["document_no"] == "辽政办发〔2022〕32号" and "三（五）" in care["source_zh"]
    floor = by_code["job_search"]["bounds"]["amount"]["floor"]
    assert floor["source_zh"].startswith("《辽宁省进一步促进高校毕业生等青年群体就业创业若干政策措施》二（八）：给予不低于…元")


def test_every_shipped_bound_source_has_its_chinese_text():
    """The data file, not a fallback, gives each shipped bound, floor and the general range its text."""
    from ledger.policy import load_catalog
    from ledger.policy.bounds import GENERAL_SOURCE
    from ledger.policy.texts import known_bound_sources
    catalog = load_catalog()
    sources = {spec.bounds.source for program in catalog.programs.values() for spec in program.parameters}
    floors = {spec.bounds.floor for program in catalog.programs.values() for spec in program.parameters} - {None}
    assert sources | floors | {GENERAL_SOURCE} <= known_bound_sources()


def test_a_refusal_that_quotes_a_bound_carries_it_in_chinese(staff):
    """The detail stays English; `bound` names the limit broken and its source in Chinese
    (the dashboard's Chinese mode says it from there)."""
    r = staff.admin.put("/v1/programs/job_expansion/parameters", {
        "region": SHENYANG, "effective_from": "2030-01-01", "values": {"per_hire": "1500.01"},
        "document_no": "沈人社〔2029〕9号", "reason": "试"})
    body = assert_problem(r, 422, "validation_error", field="values.per_hire")
    assert "must be at most 1500.00" in body["detail"]
    bound = body["bound"]
    assert (bound["limit"], bound["value"], bound["document_no"]) == ("max", "1500.00", NOTICE_NO)
    assert chinese_only(bound["source_zh"]) and "每招用1人不超过1500元" in bound["source_zh"]
    r = staff.admin.put("/v1/programs/startup/parameters", {
        "region": SHENYANG, "effective_from": "2030-01-01", "values": {"amount": "4999.99"},
        "document_no": "沈人社〔2029〕9号", "reason": "降低标准"})
    body = assert_problem(r, 422, "validation_error", field="values.amount")
    assert "must not be below 5000.00" in body["detail"]
    bound = body["bound"]
    assert (bound["limit"], bound["value"], bound["region"], bound["of_zh"]) == ("floor", "5000.00", "210000",
                                                                                 "本省同日现行标准")
    assert chinese_only(bound["source_zh"]) and "二（五）" in bound["source_zh"]


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
