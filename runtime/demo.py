"""A believable Liaoning set-up for demonstrations: the province and three cities, their
funds with allocations and transfers, staff, and a few hundred claims across the
programs in every status; Shenyang puts approved claims on public notice (公示) for 5 days,
with claims under notice, an objection dismissed and one upheld, and an employer on the
watch list (失信名单). Loaded only into an empty ledger.

The data set is 2022's history entered today: every business date lies beyond the
backdating window, so each dated command carries the evidence (`HISTORY`) and is listed by
`GET /reports/backdated` (API.md, "Insiders and time"). Public notices start on the day
their approval is recorded, so the claims on notice are those approved in December."""
from __future__ import annotations

import random

from ledger.access import Actor
from ledger.domain.claim import CLAWBACK_CONFIRMATION_THRESHOLD_FEN
from ledger.domain.fund import FUND_TYPES, fund_code
from ledger.domain.users import new_token, token_hash
from ledger.errors import CalendarNotLoaded, Duplicate, InsufficientFunds, LimitExceeded, NotEligible
from ledger.identifiers import credit_check_char, identity_check_char
from ledger.service import Ledger
from ledger.views import claim_view

PROVINCE = "210000"
CITIES = {"210100": "沈阳市", "210200": "大连市", "210300": "鞍山市"}
DISTRICTS = {"210100": "210102", "210200": "210202", "210300": "210302"}
SCHOOLS = ["职业技能培训学校", "创业培训中心", "技师学院", "创业孵化基地"]
COMPANIES = ["科技有限公司", "制造股份有限公司", "软件有限公司", "物流有限公司", "机械有限公司", "生物医药有限公司"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "娟"]
OCCUPATIONS = ["电工", "焊工", "车工", "数控车工", "保育员", "养老护理员", "中式烹调师", "汽车维修工"]
CLAIMS_PER_CITY = 120
# The evidence for the backdated entries of the demonstration (ledger/service/dates.py).
HISTORY = {"reason": "演示数据：2022年度历史记录补录 (demo data: 2022 history entered later)",
           "document_no": "演示〔2022〕1号"}


def _dated(body: dict) -> dict:
    return {**body, "backdate": HISTORY}


def _person(rng: random.Random, region: str) -> str:
    body = f"{region}{rng.randint(1995, 2003)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + identity_check_char(body)


def _company(rng: random.Random, region: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region + "".join(rng.choice(alphabet) for _ in range(9))
    return body + credit_check_char(body)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


class _Staff:
    def __init__(self, ledger: Ledger, admin: Actor):
        def user(name: str, roles: list[str], regions: list[str]) -> tuple[Actor, str]:
            # As a person would: the token made here, only its hash given to the admin.
            token = new_token()
            body = ledger.create_user(admin, {"name": name, "roles": roles, "regions": regions,
                                              "token_sha256": token_hash(token)}).body
            return Actor(body["user_id"], name, frozenset(roles), tuple(regions)), token

        self.clerk, clerk_token = user("演示 经办员 (clerk)", ["clerk"], [PROVINCE])
        self.reviewer, reviewer_token = user("演示 初审员 (reviewer)", ["reviewer"], [PROVINCE])
        self.reviewer2, reviewer2_token = user("演示 复核员 (second reviewer)", ["reviewer"], [PROVINCE])
        self.treasurer, treasurer_token = user("演示 财务 (treasurer)", ["treasurer"], [PROVINCE])
        self.auditor, auditor_token = user("演示 审计 (auditor)", ["auditor"], [PROVINCE])
        # Confirms the parameter changes the loader proposes: changes take two admins.
        self.admin2, _ = user("演示 管理员 (second admin)", ["admin"], [PROVINCE])
        self.tokens = {"clerk": clerk_token, "reviewer": reviewer_token, "reviewer2": reviewer2_token,
                       "treasurer": treasurer_token, "auditor": auditor_token}


def load_demo_data(ledger: Ledger, *, seed: int = 2022, claims_per_city: int = CLAIMS_PER_CITY) -> dict | None:
    """Fill an empty ledger; returns the demo staff's tokens, or None if it was not empty."""
    loader = Actor("demo-loader", "demo loader", frozenset({"admin", "treasurer"}), ("000000",))
    try:
        # Opening the first fund is the claim to load: of processes starting together, one wins.
        ledger.open_fund(loader, {"fund_type": "employment_subsidy", "region": PROVINCE})
    except Duplicate:
        return None
    rng = random.Random(seed)
    staff = _Staff(ledger, _bootstrap_admin(ledger))
    _funds(ledger, staff.treasurer)
    _shenyang_publicity(ledger, loader, staff.admin2)
    for city in CITIES:
        for i in range(claims_per_city):
            _claim(ledger, staff, rng, city, i)
    _notice_and_watch_list(ledger, staff, loader, rng)
    return staff.tokens


def _bootstrap_admin(ledger: Ledger) -> Actor:
    """The staff are made by the bootstrap admin, the operator's root (changes of who may act
    otherwise take two admins). A ledger without one (`ledger demo` without
    LEDGER_BOOTSTRAP_ADMIN_TOKEN) gets one whose token nobody keeps: setting the variable
    later re-keys that same admin."""
    admin = ledger.bootstrap_actor()
    if admin is None:
        ledger.ensure_admin(new_token())
        admin = ledger.bootstrap_actor()
    return admin


SHENYANG = "210100"
PUBLICITY_DAYS = 5


def _shenyang_publicity(ledger: Ledger, proposer: Actor, confirmer: Actor) -> None:
    """Shenyang's 5 days of public notice for every program (DOMAIN.md: the demo data sets 5
    for 210100), proposed by one admin and confirmed by another, as every change is; for
    claims applied for from December (a notice starts when its approval is recorded: today,
    for a data set entered today, so earlier claims would all still be on notice)."""
    for program in PROGRAMS:
        change = ledger.propose_parameter_change(proposer, program, {
            "region": SHENYANG, "effective_from": "2022-12-01", "retroactive": True,
            "values": {"publicity_days": PUBLICITY_DAYS}, "document_no": "沈人社〔2022〕58号",
            "reason": "审批通过的补贴对象公示5个工作日 (approved claims on public notice for 5 days)"}).body
        ledger.confirm_parameter_change(confirmer, program, change["change_id"])


def _notice_and_watch_list(ledger: Ledger, staff: _Staff, admin: Actor, rng: random.Random) -> None:
    """December in Shenyang: three job-expansion claims approved on 2022-12-26 are on notice
    from the day that is recorded, for 5 working days (holidays skipped); one draws an objection that is
    dismissed, one an objection that is upheld (the claim is closed, its reservation released); and an employer
    found to have
    faked hires is on the watch list, so its new claim is refused (recording nothing)."""
    ids = []
    for _ in range(3):
        request = _request(rng, SHENYANG, "job_expansion", 1)
        request["application_date"] = "2022-12-20"
        cid = ledger.submit_claim(staff.clerk, _dated(request)).body["claim_id"]
        try:
            ledger.approve(staff.reviewer, cid, _dated({"approved_on": "2022-12-26"}))
        except CalendarNotLoaded:
            # Today's notice would run into a year whose holiday schedule two admins have not
            # loaded yet: the claims wait, submitted, as a bureau's would.
            continue
        ids.append(cid)
    objected = [] if len(ids) < 3 else [
        (ids[1], "dismissed", "经核查劳动合同和社保缴费记录属实 (contract and contributions verified)"),
        (ids[2], "upheld", "经核查该毕业生未实际到岗 (the graduate never started work)")]
    for cid, outcome, reason in objected:
        objection = ledger.object_to_claim(staff.clerk, cid, {  # received today, during the notice
            "reason": "群众举报：未实际录用 (a report: the hire is not real)"}).body
        ledger.resolve_objection(staff.reviewer2, cid, objection["objection_id"], {"outcome": outcome,
                                                                                  "reason": reason})
    employer = _request(rng, SHENYANG, "job_expansion", 1)
    ledger.list_party(admin, _dated({"party_id": employer["applicant"]["id"], "reason": "虚构用工骗取补贴 (faked hires)",
                                     "document_no": "沈人社失信〔2022〕1号", "listed_from": "2022-12-01"}))
    employer["application_date"] = "2022-12-20"
    try:
        ledger.submit_claim(staff.clerk, _dated(employer))
    except NotEligible:
        pass  # listed: refused, as the demonstration shows


def _funds(ledger: Ledger, treasurer: Actor) -> None:
    allocations = {
        "unemployment_insurance": ("辽人社〔2022〕{}号", 5_000_000_00),
        "employment_subsidy": ("辽财社〔2022〕{}号", 60_000_000_00),
        "skill_upgrade_account": ("辽财社〔2022〕{}号", 2_000_000_00),
        "inclusive_finance": ("辽财金〔2022〕{}号", 1_000_000_00),
    }
    number = 100
    for fund_type, (doc, amount_fen) in allocations.items():
        if fund_type != "employment_subsidy":
            ledger.open_fund(treasurer, {"fund_type": fund_type, "region": PROVINCE})
        for source, share in (("central", 6), ("provincial", 4)):
            number += 1
            ledger.allocate(treasurer, fund_code(fund_type, PROVINCE), _dated({
                "amount": _yuan(amount_fen * share // 10), "source": source, "document_no": doc.format(number),
                "effective_date": "2022-06-10", "memo": "2022年度就业补助资金下达"}))
        if fund_type == "inclusive_finance":
            continue
        for city, city_name in CITIES.items():
            ledger.open_fund(treasurer, {"fund_type": fund_type, "region": city,
                                         "name": f"{city_name}{FUND_TYPES[fund_type]}"})
            number += 1
            ledger.transfer(treasurer, _dated({
                "from_fund": fund_code(fund_type, PROVINCE), "to_fund": fund_code(fund_type, city),
                "amount": _yuan(amount_fen // 5), "document_no": doc.format(number), "effective_date": "2022-06-20"}))
            ledger.allocate(treasurer, fund_code(fund_type, city), _dated({
                "amount": _yuan(amount_fen // 20), "source": "municipal", "document_no": f"{city_name}财〔2022〕{number}号",
                "effective_date": "2022-06-25"}))


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


PROGRAMS = ("job_expansion", "absorption", "social_insurance", "flexible_social_insurance", "internship",
            "internship_base_award", "entrepreneurship_training", "startup", "startup_venue", "loan_interest",
            "job_search", "incubator_support", "career_switch_training", "apprenticeship", "skill_certificate",
            # DOMAIN.md "New programs (revision of 2026-12-07)"
            "flexible_graduate_training", "public_welfare_post", "care_institution_social_insurance",
            "care_worker_training")
PREPAYING = ("internship", "apprenticeship", "absorption", "social_insurance", "startup_venue")
HARDSHIP = ("low_income", "disabled_family", "poverty_alleviation", "extreme_poverty", "disability", "martyr_family",
            "orphan", "student_loan")


def _money(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low, high)}.{rng.choice(['00', '50', '80'])}"


def _facts(rng: random.Random, program: str, city: str, i: int, day: str) -> dict:
    """Believable facts for each program of the notice (DOMAIN.md, "Facts each program takes")."""
    size = rng.choice(["micro", "small", "medium"])
    return {
        "job_expansion": lambda: {"graduation_year": 2022, "contract_start": "2022-07-01", "unemployment_insured": True},
        "absorption": lambda: {"graduation_year": 2022, "contract_months": rng.choice([12, 24, 36]),
                               "enterprise_size": size, "employer_monthly_contribution": _money(rng, 600, 1200),
                               "contribution_deferred": rng.random() < 0.3},
        "social_insurance": lambda: {"graduation_year": 2022, "diploma_date": "2022-06-30", "hired_on": "2022-07-01",
                                     "period_start": "2022-07-01", "registered_unemployed": False,
                                     "contract_months": rng.choice([12, 24, 36]), "enterprise_size": size,
                                     "employer_monthly_contribution": _money(rng, 600, 1200),
                                     "months": rng.choice([6, 12, 18]), "retained_intern": rng.random() < 0.2},
        "flexible_social_insurance": lambda: {"left_school_on": "2021-07-01", "period_start": "2022-06-01",
                                              "monthly_contribution": _money(rng, 800, 1200),
                                              "months": rng.choice([6, 12, 24, 30])},
        "internship": lambda: {"term_months": rng.choice([3, 6, 12]), "intern_category": "graduate_left",
                               "started_on": "2022-07-01", "left_school_on": "2022-06-30"},
        "internship_base_award": lambda: {"level": rng.choice(["national", "provincial"])},
        "entrepreneurship_training": lambda: {"course": rng.choice(["GYB", "SYB"]), "graduation_year": 2022,
                                              "course_started_on": "2022-06-20"},
        "startup": lambda: {"first_business": True, "guaranteed_loan": True, "new_industry": rng.random() < 0.3,
                            "registered_on": "2022-05-10", "business_form": rng.choice(["enterprise", "individual"]),
                            **_diploma(rng.choice([2019, 2021, 2022]))},
        "startup_venue": lambda: {"monthly_rent": _money(rng, 1500, 4000), "months": rng.choice([12, 24, 30]),
                                  "in_incubator": False, "operating_since": "2021-10-01", "first_business": True,
                                  **_diploma(rng.choice([2018, 2020, 2021]))},
        "loan_interest": lambda: {"loan_principal": "200000.00", "loan_term_months": 36,
                                  "interest_due": _money(rng, 2000, 8000), "loan_contract_no": f"DK{city}{i:05d}",
                                  **_diploma(rng.choice([2019, 2021]))},
        # 毕业学年: the academic year (1 September – 31 August) ending in the graduation year.
        "job_search": lambda: {"graduation_year": int(day[:4]) + (day[5:7] >= "09"),
                               "hardship_category": rng.choice(HARDSHIP)},
        "incubator_support": lambda: {"eligible_costs": _money(rng, 50000, 300000)},
        "career_switch_training": lambda: {"months": rng.randint(3, 6), "left_school_on": "2021-07-01"},
        "apprenticeship": lambda: {"level": rng.choice(["intermediate", "advanced", "technician", "senior_technician"]),
                                   "shortage_occupation": rng.random() < 0.3, "contract_months": rng.choice([12, 24, 36]),
                                   "certificate_no": f"Y{city}{i:05d}", **_diploma(rng.choice([2019, 2020]))},
        "skill_certificate": lambda: {"level": rng.choice(["primary", "intermediate", "advanced"]),
                                      "occupation": rng.choice(OCCUPATIONS), "certificate_no": f"S{city}{i:05d}",
                                      "certificate_date": "2022-05-20", "ui_contribution_months": rng.randint(12, 60),
                                      "receiving_ui_benefits": False},
        "flexible_graduate_training": lambda: {"diploma_date": "2021-06-30", "flexible_since": "2022-03-01",
                                               "course_started_on": "2022-06-06",
                                               "level": rng.choice(["primary", "intermediate", "advanced"]),
                                               "certificate_no": f"LH{city}{i:05d}"},
        "public_welfare_post": lambda: {"hardship_category": rng.choice(HARDSHIP[:-1]), "diploma_date": "2021-06-30",
                                        "placed_on": "2022-06-15", "period_start": "2022-07-01",
                                        "employer_monthly_contribution": _money(rng, 600, 1000),
                                        "months": rng.choice([6, 12])},
        "care_institution_social_insurance": lambda: {
            "institution_type": rng.choice(["elderly_care", "childcare"]), "hardship_certified": True,
            "hired_on": "2022-06-15", "period_start": "2022-07-01",
            "employer_monthly_contribution": _money(rng, 600, 1000), "months": rng.choice([6, 12, 24])},
        "care_worker_training": lambda: {"occupation": rng.choice(["elderly_care_worker", "childcare_worker"]),
                                         "level": rng.choice(["primary", "intermediate", "advanced"]),
                                         "certificate_no": f"YT{city}{i:05d}", "certificate_date": "2022-06-20",
                                         "employed_in_care": True},
    }[program]()


def _diploma(year: int) -> dict:
    """A graduate of `year` (毕业证书所注日期 in January, before every date the demo uses)."""
    return {"graduation_year": year, "diploma_date": f"{year}-01-15"}


def _request(rng: random.Random, city: str, program: str, i: int) -> dict:
    region = DISTRICTS[city] if i % 4 == 0 else city
    day = f"2022-{rng.randint(7, 11):02d}-{rng.randint(1, 28):02d}"
    company = {"kind": "enterprise", "id": _company(rng, city), "name": CITIES[city] + rng.choice(COMPANIES)}
    school = {"kind": "institution", "id": _institution(rng, city),
              "name": CITIES[city] + rng.choice(SCHOOLS)}
    number, name = _person(rng, region), _name(rng)
    person = {"kind": "person", "id": number, "name": name}
    applicant = {"flexible_social_insurance": person, "startup": person, "job_search": person,
                 "skill_certificate": person, "startup_venue": rng.choice([person, company]),
                 "loan_interest": rng.choice([person, company]), "entrepreneurship_training": school,
                 "career_switch_training": school, "incubator_support": rng.choice([school, company]),
                 "internship_base_award": rng.choice([school, company]), "flexible_graduate_training": school,
                 "care_worker_training": school, "public_welfare_post": rng.choice([school, company]),
                 "care_institution_social_insurance": rng.choice([school, company])}.get(program, company)
    request = {"program": program, "region": region, "applicant": applicant,
               "facts": _facts(rng, program, city, i, day), "application_date": day}
    if program in ("job_expansion", "absorption", "social_insurance", "internship", "entrepreneurship_training",
                   "career_switch_training", "apprenticeship", "flexible_graduate_training", "public_welfare_post",
                   "care_institution_social_insurance", "care_worker_training") or applicant is company and program in (
                       "startup_venue", "loan_interest"):  # an enterprise names its founder
        request["beneficiary"] = {"id": number, "name": name}
    return request


def _institution(rng: random.Random, city: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "52" + city + "".join(rng.choice(alphabet) for _ in range(9))
    return body + credit_check_char(body)


def _prepay_cap(ledger: Ledger, staff: _Staff, cid: str) -> int:
    return ledger.claim(staff.auditor, cid).prepay_cap_fen


def _claim(ledger: Ledger, staff: _Staff, rng: random.Random, city: str, i: int) -> None:
    program = PROGRAMS[i % len(PROGRAMS)]
    request = _request(rng, city, program, i)
    try:
        claim = ledger.submit_claim(staff.clerk, _dated(request)).body
    except (NotEligible, Duplicate, LimitExceeded):
        return  # a believable data set has refusals too; they record nothing
    cid = claim["claim_id"]
    fate = rng.random()
    if fate < 0.12:
        return  # submitted, awaiting review
    if fate < 0.18:
        ledger.reject(staff.reviewer, cid, {"reason": "材料不全 (documents incomplete)"})
        return
    if fate < 0.22:
        ledger.withdraw(staff.clerk, cid, {"reason": "单位撤回申请 (withdrawn by the employer)"})
        return
    approved_on = request["application_date"][:8] + "28"
    try:
        claim = ledger.approve(staff.reviewer, cid, _dated({"approved_on": approved_on})).body
    except (InsufficientFunds, CalendarNotLoaded):
        return  # waits for the next allocation (or next year's holiday schedule), as real claims do
    if fate < 0.34:
        return  # approved, awaiting payment
    amount_fen = int(claim["amounts"]["approved"].replace(".", ""))
    paid_on = "2022-12-05"
    prepay_cap_fen = _prepay_cap(ledger, staff, cid)
    if program in PREPAYING and prepay_cap_fen > 0:
        ledger.pay(staff.treasurer, cid, _dated({"amount": _yuan(prepay_cap_fen), "kind": "prepayment",
                                                 "payment_ref": f"YF{cid[:8]}", "paid_on": paid_on}))
        if fate < 0.5:
            return  # prepaid
        later = None
        if program == "internship":
            later = {"months_served": rng.randint(1, claim["facts"]["term_months"]),
                     "left_for_employment": rng.random() < 0.3}
        elif program == "apprenticeship":
            later = {"completed": rng.random() < 0.85}
        elif program == "absorption" and claim["facts"].get("contribution_deferred"):
            later = {"contribution_deferred": False}  # the firm resumed its contributions
        if later:
            claim = ledger.record_facts(staff.clerk, cid, {"facts": later}).body
        else:
            claim = claim_view(ledger.claim(staff.auditor, cid))
        rest_fen = int(claim["amounts"]["approved"].replace(".", "")) - int(claim["amounts"]["paid"].replace(".", ""))
        if rest_fen > 0:
            ledger.pay(staff.treasurer, cid, _dated({"amount": _yuan(rest_fen), "kind": "settlement",
                                                     "payment_ref": f"JS{cid[:8]}", "paid_on": "2022-12-20"}))
        claim = ledger.claim(staff.auditor, cid)
        doc = claim_view(claim)
        if doc["amounts"]["clawback_outstanding"] != "0.00" and rng.random() < 0.7:
            ledger.recover(staff.treasurer, cid, _dated({"amount": doc["amounts"]["clawback_outstanding"],
                                                         "reference": f"HK{cid[:8]}", "received_on": "2022-12-28"}))
        return
    if fate < 0.42:
        ledger.close(staff.reviewer, cid, {"reason": "企业注销, 无法拨付 (employer dissolved)"})
        return
    ref = f"ZF{cid[:8]}"
    ledger.pay(staff.treasurer, cid, _dated({"amount": _yuan(amount_fen), "kind": "settlement", "payment_ref": ref,
                                             "paid_on": paid_on}))
    if fate < 0.48:
        ledger.return_payment(staff.treasurer, cid, ref, _dated({"reason": "账户已注销, 退票 (account closed)",
                                                                 "returned_on": "2022-12-08"}))
        ledger.pay(staff.treasurer, cid, _dated({"amount": _yuan(amount_fen), "kind": "settlement",
                                                 "payment_ref": ref + "R", "paid_on": "2022-12-15"}))
    elif fate < 0.56:
        clawback_fen = max(1, amount_fen // 3)
        demand = ledger.demand_clawback(staff.reviewer, cid, {"amount": _yuan(clawback_fen),
                                                              "reason": "虚报人数 (misreported)"}).body
        if clawback_fen > CLAWBACK_CONFIRMATION_THRESHOLD_FEN:
            # A large demand is recoverable only once a second reviewer has confirmed it.
            ledger.confirm_clawback(staff.reviewer2, cid, demand["clawback_id"])
        if fate < 0.52:
            ledger.recover(staff.treasurer, cid, _dated({"amount": _yuan(clawback_fen), "reference": f"HK{cid[:8]}",
                                                         "received_on": "2022-12-28"}))

