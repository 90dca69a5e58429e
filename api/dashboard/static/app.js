// The dashboard: every figure is fetched from the JSON API (/v1) with the user's bearer
// token and shown as the API answers it (money strings are only given thousands
// separators, never recomputed). The token lives in sessionStorage only: never in a URL,
// never in a cookie. Identity numbers are sent only in a header (X-Applicant-Id), never in
// a URL, and the API answers them masked.
"use strict";
(function () {
  const FUND_TYPES = ["unemployment_insurance", "employment_subsidy", "skill_upgrade_account", "inclusive_finance"];
  const ROLES = {
    funds: ["reviewer", "treasurer", "auditor", "admin"],
    reports: ["treasurer", "auditor", "admin"],
    claims: ["clerk", "reviewer", "treasurer", "auditor", "admin"],
    recon: ["treasurer", "auditor", "admin"],
    audit: ["auditor", "admin"],
  };
  const I18N = {
    zh: {
      title: "就业补助资金台账", skip: "跳到正文", loading: "正在加载…", signout: "退出", signin: "登录",
      token: "访问令牌", token_help: "粘贴管理员发给您的令牌。令牌只保存在本浏览器标签页的会话中，关闭即清除。",
      signin_failed: "登录失败", nav: "主导航",
      v_funds: "资金", v_programs: "项目", v_claims: "申请", v_recon: "对账与结账", v_audit: "审计",
      roles: "角色", regions: "地区", as_of: "截至日期", as_of_help: "留空为当前；选择日期则按该日结束时（北京时间）的状态显示。",
      apply: "应用", now: "当前", fund: "资金", fund_type: "资金类型", region: "地区", name: "名称",
      allocated: "已拨入", reserved: "已预留", disbursed: "已支付", recovered: "已追回", available: "可用",
      yuan: "元", table: "表格", tree: "按地区树状", details: "详情", chart: "按月余额（月末）", year: "年度",
      movements: "本月变动", month: "月份", report: "资金使用月报", opening: "期初", closing: "期末",
      ties_out: "勾稽", yes: "是", no: "否", download_csv: "下载 CSV", download_xlsx: "下载 XLSX", print: "打印",
      allocations: "拨入", transfers_in: "调入", transfers_out: "调出", released: "释放", returned: "退票",
      reserved_change: "预留变动", disbursed_by_program: "按项目支付", allocations_by_source: "按来源拨入",
      documents: "带文号的资金变动", load_documents: "加载资金变动", document_no: "文号", effective_date: "业务日期",
      amount: "金额", type: "类型", position: "日志位置", recorded_at: "记录时间", actor: "操作人",
      programs: "项目目录", code: "代码", clause: "条款", fund_types: "可用资金", parameters: "现行参数",
      on_date: "日期", value: "数值", source: "来源", bounds: "取值范围", min: "下限", max: "上限", rule_version: "规则版本",
      usage: "项目按月支出", net: "净支出", total: "合计", changes: "待确认的参数变更", confirm: "确认", reject: "驳回",
      propose: "提出参数变更", effective_from: "生效日期", values: "参数值（JSON）", reason: "理由", retroactive: "追溯",
      proposed_by: "提出人", status: "状态", none: "无", submit: "提交", change_proposed: "参数变更已提出，待另一管理员确认",
      change_confirmed: "参数变更已确认生效", change_rejected: "参数变更已驳回",
      lookup: "查询申请", by_claim: "按申请编号", by_applicant: "按申请人证件号或统一社会信用代码", query: "查询",
      lookup_help: "证件号只在请求头中发送，不会出现在网址中；结果中的身份证号已脱敏。",
      claim: "申请", program: "项目", applicant: "申请人", beneficiary: "受益人", application_date: "申请日期",
      entitled: "应享", approved: "核定", paid: "已付", prepaid: "预付", clawback_demanded: "追回要求",
      clawback_outstanding: "待追回", explanation: "核定说明", payments: "支付", clawbacks: "追回", kind: "类型",
      paid_on: "支付日期", payment_ref: "支付编号", confirmed: "已复核", publicity: "公示", starts_on: "开始",
      ends_on: "结束", objections: "异议", timeline: "状态时间线", amounts: "金额", version: "版本", results: "查询结果",
      no_claims: "没有找到申请", recon: "对账", matched: "已匹配", unmatched_in_ledger: "账内未达", unmatched_in_bank: "银行未达",
      how: "方式", reference: "摘要/编号", date: "日期", direction: "方向", upload: "上传银行对账单（CSV）",
      file: "文件", columns: "列映射（可选）", debit: "借方值", credit: "贷方值", uploaded: "对账单已导入",
      encoding: "文件编码", encoding_auto: "自动识别（UTF-8 或 GBK）",
      lines: "行数", unmatched: "未匹配", probable: "疑似", duplicate: "重复", overlap: "重叠",
      close: "期间结账", override_reason: "强制结账理由（不勾稽或有未达时必填）", closed: "已结账",
      close_month: "结账", closed_months: "已结账月份",
      verify: "哈希链校验", ok: "通过", failed: "未通过", events_checked: "已校验事件", head_position: "链头位置",
      head_hash: "链头哈希", first_bad_position: "首个异常位置", seal: "最新封印", sealed_at: "封印时间",
      signature: "签名", public_key: "公钥", seal_check: "封印校验", no_seal: "尚无封印", export: "导出日志（NDJSON）",
      events: "事件日志", after_position: "起始位置之后", until_position: "截至位置（含）", limit: "条数",
      filter_type: "事件类型包含", filter_originator: "对象包含", load: "加载", not_checked: "未能校验",
      hash: "哈希", data: "内容", forbidden: "无权限", error: "出错", saved: "完成", downloaded: "已下载",
      print_hint: "可打印（打印时隐藏导航与按钮）", choose_fund: "选择资金", level_0: "全国", level_1: "省", level_2: "市", level_3: "区县",
    },
    en: {
      title: "Employment subsidy ledger", skip: "Skip to content", loading: "Loading…", signout: "Sign out", signin: "Sign in",
      token: "Access token", token_help: "Paste the token your administrator gave you. It is kept only in this tab's session and is gone when the tab closes.",
      signin_failed: "Sign-in failed", nav: "Main navigation",
      v_funds: "Funds", v_programs: "Programs", v_claims: "Claims", v_recon: "Reconciliation & close", v_audit: "Audit",
      roles: "Roles", regions: "Regions", as_of: "As of", as_of_help: "Empty: now; a date shows the ledger as it stood at the end of that day (China Standard Time).",
      apply: "Apply", now: "Now", fund: "Fund", fund_type: "Fund type", region: "Region", name: "Name",
      allocated: "Allocated", reserved: "Reserved", disbursed: "Disbursed", recovered: "Recovered", available: "Available",
      yuan: "yuan", table: "Table", tree: "Tree by region", details: "Details", chart: "Balances by month (month end)", year: "Year",
      movements: "Movements of the month", month: "Month", report: "Monthly fund-usage report", opening: "Opening", closing: "Closing",
      ties_out: "Ties out", yes: "yes", no: "no", download_csv: "Download CSV", download_xlsx: "Download XLSX", print: "Print",
      allocations: "Allocations", transfers_in: "Transfers in", transfers_out: "Transfers out", released: "Released", returned: "Returned",
      reserved_change: "Reserved change", disbursed_by_program: "Disbursed by program", allocations_by_source: "Allocations by source",
      documents: "Movements with document numbers", load_documents: "Load the movements", document_no: "Document no.", effective_date: "Business date",
      amount: "Amount", type: "Type", position: "Log position", recorded_at: "Recorded at", actor: "Actor",
      programs: "Program catalog", code: "Code", clause: "Clause", fund_types: "Fund types", parameters: "Parameters in force",
      on_date: "Date", value: "Value", source: "Source", bounds: "Bounds", min: "Min", max: "Max", rule_version: "Rule version",
      usage: "Spending per program by month", net: "Net", total: "Total", changes: "Proposed parameter changes", confirm: "Confirm", reject: "Reject",
      propose: "Propose a parameter change", effective_from: "Effective from", values: "Values (JSON)", reason: "Reason", retroactive: "Retroactive",
      proposed_by: "Proposed by", status: "Status", none: "none", submit: "Submit", change_proposed: "Change proposed; another admin must confirm it",
      change_confirmed: "Change confirmed and in force", change_rejected: "Change rejected",
      lookup: "Claim look-up", by_claim: "By claim id", by_applicant: "By applicant identity number or credit code", query: "Look up",
      lookup_help: "The number is sent in a request header, never in a URL; answers show identity numbers masked.",
      claim: "Claim", program: "Program", applicant: "Applicant", beneficiary: "Beneficiary", application_date: "Application date",
      entitled: "Entitled", approved: "Approved", paid: "Paid", prepaid: "Prepaid", clawback_demanded: "Clawback demanded",
      clawback_outstanding: "Clawback outstanding", explanation: "Explanation", payments: "Payments", clawbacks: "Clawbacks", kind: "Kind",
      paid_on: "Paid on", payment_ref: "Payment ref", confirmed: "Confirmed", publicity: "Public notice", starts_on: "Starts",
      ends_on: "Ends", objections: "Objections", timeline: "Status timeline", amounts: "Amounts", version: "Version", results: "Results",
      no_claims: "No claims found", recon: "Reconciliation", matched: "Matched", unmatched_in_ledger: "Unmatched in ledger", unmatched_in_bank: "Unmatched in bank",
      how: "How", reference: "Reference", date: "Date", direction: "Direction", upload: "Upload a bank statement (CSV)",
      file: "File", columns: "Column mapping (optional)", debit: "Debit value", credit: "Credit value", uploaded: "Statement imported",
      encoding: "File encoding", encoding_auto: "Recognise (UTF-8 or GBK)",
      lines: "Lines", unmatched: "Unmatched", probable: "Probable", duplicate: "Duplicate", overlap: "Overlap",
      close: "Period close", override_reason: "Override reason (needed when the month does not tie out or has unmatched items)", closed: "Closed",
      close_month: "Close the month", closed_months: "Closed months",
      verify: "Hash chain verification", ok: "OK", failed: "FAILED", events_checked: "Events checked", head_position: "Head position",
      head_hash: "Head hash", first_bad_position: "First bad position", seal: "Latest seal", sealed_at: "Sealed at",
      signature: "Signature", public_key: "Public key", seal_check: "Seal verification", no_seal: "No seal yet", export: "Export the log (NDJSON)",
      events: "Event log", after_position: "After position", until_position: "Up to position (incl.)", limit: "Limit",
      filter_type: "Event type contains", filter_originator: "Originator contains", load: "Load", not_checked: "Not checked",
      hash: "Hash", data: "Data", forbidden: "Forbidden", error: "Error", saved: "Done", downloaded: "Downloaded",
      print_hint: "Printable (navigation and buttons are hidden in print)", choose_fund: "Choose a fund", level_0: "Nation", level_1: "Province", level_2: "City", level_3: "District",
    },
  };
  const FUND_TYPE_NAMES = {
    zh: {unemployment_insurance: "失业保险基金", employment_subsidy: "就业补助资金",
         skill_upgrade_account: "职业技能提升行动专账资金", inclusive_finance: "普惠金融发展专项资金"},
    en: {unemployment_insurance: "Unemployment insurance fund", employment_subsidy: "Employment subsidy fund",
         skill_upgrade_account: "Skill upgrade account", inclusive_finance: "Inclusive finance fund"},
  };
  const STATUS_NAMES = {
    zh: {submitted: "已受理", approved: "已核定", prepaid: "已预付", paid: "已支付", closed: "已结案", rejected: "已驳回",
         withdrawn: "已撤回", proposed: "待确认", in_force: "已生效"},
    en: {},
  };

  let lang = sessionStorage.getItem("ledger.lang") || "zh";
  let me = null;
  let programs = null;
  const state = {asOf: "", fund: null, view: null};

  // ---- helpers -----------------------------------------------------------------------
  const t = (key) => (I18N[lang][key] !== undefined ? I18N[lang][key] : key);
  const fundTypeName = (ft) => FUND_TYPE_NAMES[lang][ft] || ft;
  const statusName = (s) => STATUS_NAMES[lang][s] || s;
  const has = (roles) => me && me.roles.some((r) => roles.includes(r));
  const $ = (sel, root) => (root || document).querySelector(sel);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k === "on") for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn);
      else if (k === "class") node.className = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // A money string of the API ("1234567.89", "-50.00") with thousands separators; nothing
  // is recomputed, so the figure is exactly the API's.
  function money(value) {
    if (value === null || value === undefined) return "—";
    const text = String(value);
    const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
    if (!m) return text;
    return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (m[3] || "");
  }
  const moneyCell = (v) => el("td", {class: "num", "data-money": v === undefined ? "" : String(v)}, money(v));

  function regionLevel(code) {
    if (code === "000000") return 0;
    if (code.endsWith("0000")) return 1;
    if (code.endsWith("00")) return 2;
    return 3;
  }
  const regionLabel = (code) => `${code} (${t("level_" + regionLevel(code))})`;
  function parentRegion(code) {
    const level = regionLevel(code);
    if (level === 3) return code.slice(0, 4) + "00";
    if (level === 2) return code.slice(0, 2) + "0000";
    return null;
  }

  function today() {
    // The business day in China Standard Time.
    const d = new Date(Date.now() + 8 * 3600 * 1000);
    return d.toISOString().slice(0, 10);
  }
  const monthEnd = (ym) => {
    const [y, m] = ym.split("-").map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return `${ym}-${String(last).padStart(2, "0")}`;
  };
  // An as-of date means the end of that day in China Standard Time.
  const asOfParam = (date) => (date ? `${date}T23:59:59.999999+08:00` : null);

  function query(params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, v);
    const s = q.toString();
    return s ? "?" + s : "";
  }

  function notify(text, kind) {
    const box = $("#status");
    box.className = "status " + (kind || "info");
    box.textContent = text;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.detail || body.title)) || `HTTP ${status}`);
      this.status = status;
      this.code = body && body.code;
    }
  }

  function token() {
    return sessionStorage.getItem("ledger.token");
  }

  async function api(path, options) {
    const opts = options || {};
    const headers = {Authorization: "Bearer " + token(), Accept: opts.accept || "application/json",
                     ...(opts.headers || {})};
    let body = opts.body;
    if (body !== undefined && typeof body !== "string" && !(body instanceof Blob)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    if (opts.method && opts.method !== "GET") headers["Idempotency-Key"] = crypto.randomUUID();
    const r = await fetch(path, {method: opts.method || "GET", headers, body, cache: "no-store",
                                 credentials: "omit", referrerPolicy: "no-referrer"});
    if (r.status === 401 && !opts.signingIn) {
      signOut(t("signin_failed") + ": " + r.status);
      throw new ApiError(401, null);
    }
    if (opts.raw) {
      if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => null));
      return r;
    }
    if (r.status === 204) return null;
    const data = await r.json().catch(() => null);
    if (!r.ok) throw new ApiError(r.status, data);
    return data;
  }

  async function allPages(path, params) {
    const items = [];
    let cursor = null;
    do {
      const page = await api(path + query({...params, limit: 1000, cursor}));
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  }

  async function download(path, accept, fallbackName) {
    const r = await api(path, {accept, raw: true});
    const blob = await r.blob();
    const disposition = r.headers.get("Content-Disposition") || "";
    const m = /filename="?([^";]+)"?/.exec(disposition);
    const a = el("a", {href: URL.createObjectURL(blob), download: m ? m[1] : fallbackName});
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    notify(t("downloaded") + ": " + a.download, "ok");
  }

  function guard(fn) {
    return async (event) => {
      if (event && event.preventDefault) event.preventDefault();
      try {
        await fn(event);
      } catch (err) {
        if (err.status === 401) return;
        notify(`${t("error")}: ${err.message}${err.code ? " (" + err.code + ")" : ""}`, "error");
      }
    };
  }

  function table(caption, headers, rows, attrs) {
    return el("table", attrs || {},
      caption ? el("caption", {}, caption) : null,
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", {scope: "col", class: h.num ? "num" : null}, h.label || h)))),
      el("tbody", {}, rows));
  }
  const col = (key, num) => ({label: t(key), num});
  const field = (labelKey, input, help) => {
    const id = input.id || "f-" + Math.random().toString(36).slice(2);
    input.id = id;
    return el("div", {class: "field"}, el("label", {for: id}, t(labelKey)), input, help ? el("small", {}, help) : null);
  };
  const section = (titleKey, ...children) => {
    const id = "h-" + titleKey + "-" + Math.random().toString(36).slice(2, 6);
    return el("section", {class: "card", "aria-labelledby": id}, el("h2", {id}, t(titleKey)), ...children);
  };
  const dl = (pairs) => el("dl", {class: "facts"}, pairs.map(([k, v]) => [el("dt", {}, t(k)), el("dd", {}, v)]));

  function chart(container, title, categories, series) {
    if (!window.echarts) {
      container.textContent = "ECharts is missing (run scripts/serve to install web/node_modules)";
      return;
    }
    const c = window.echarts.init(container, null, {renderer: "svg", locale: lang === "zh" ? "ZH" : "EN"});
    c.setOption({
      aria: {enabled: true, decal: {show: true}},
      title: {text: title, textStyle: {fontSize: 14}},
      tooltip: {trigger: "axis", valueFormatter: (v) => money(Number(v).toFixed(2))},
      legend: {top: 24},
      grid: {left: 110, right: 20, top: 64, bottom: 30},
      xAxis: {type: "category", data: categories},
      yAxis: {type: "value", axisLabel: {formatter: (v) => money(String(v))}},
      series: series.map((s) => ({name: s.name, type: "line", data: s.data.map(Number), symbolSize: 6})),
      animation: false,
    });
    window.addEventListener("resize", () => c.resize());
    window.addEventListener("beforeprint", () => c.resize());
  }

  // ---- sign-in -------------------------------------------------------------------------
  function signOut(message) {
    sessionStorage.removeItem("ledger.token");
    me = null;
    renderSignIn(message);
  }

  function renderSignIn(message) {
    $("#nav").hidden = true;
    $("#signout").hidden = true;
    $("#who").textContent = "";
    const input = el("input", {type: "password", id: "token", name: "token", autocomplete: "off", required: true,
                               spellcheck: "false", "aria-describedby": "token-help"});
    const form = el("form", {class: "card signin", on: {submit: guard(async () => {
      sessionStorage.setItem("ledger.token", input.value.trim());
      input.value = "";
      try {
        me = await api("/v1/users/me", {signingIn: true});
      } catch (err) {
        sessionStorage.removeItem("ledger.token");
        renderSignIn(`${t("signin_failed")}: ${err.message}`);
        return;
      }
      notify("", "info");
      start();
    })}},
      el("h2", {}, t("signin")),
      el("label", {for: "token"}, t("token")), input,
      el("p", {id: "token-help", class: "help"}, t("token_help")),
      message ? el("p", {class: "error", role: "alert"}, message) : null,
      el("button", {type: "submit"}, t("signin")));
    $("#main").replaceChildren(form);
    input.focus();
  }

  // ---- navigation ----------------------------------------------------------------------
  const VIEWS = [
    {id: "funds", label: "v_funds", allowed: () => has(ROLES.funds), render: renderFunds},
    {id: "programs", label: "v_programs", allowed: () => true, render: renderPrograms},
    {id: "claims", label: "v_claims", allowed: () => has(ROLES.claims), render: renderClaims},
    {id: "recon", label: "v_recon", allowed: () => has(ROLES.recon), render: renderRecon},
    {id: "audit", label: "v_audit", allowed: () => has(ROLES.audit), render: renderAudit},
  ];

  function start() {
    $("#who").textContent = `${me.name} · ${t("roles")}: ${me.roles.join(", ")} · ${t("regions")}: ${me.regions.join(", ")}`;
    $("#signout").hidden = false;
    const nav = $("#nav");
    nav.hidden = false;
    nav.setAttribute("aria-label", t("nav"));
    const views = VIEWS.filter((v) => v.allowed());
    nav.replaceChildren(el("ul", {}, views.map((v) => el("li", {}, el("a", {href: "#" + v.id, "data-view": v.id}, t(v.label))))));
    route();
  }

  function route() {
    if (!me) return;
    const views = VIEWS.filter((v) => v.allowed());
    const wanted = location.hash.slice(1);
    const view = views.find((v) => v.id === wanted) || views[0];
    state.view = view.id;
    for (const a of document.querySelectorAll("#nav a")) {
      if (a.dataset.view === view.id) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    document.title = `${t(view.label)} — ${t("title")}`;
    const main = $("#main");
    // A fresh container per navigation: a slower, earlier render writes into a detached one.
    const container = el("div", {class: "view"});
    main.replaceChildren(el("h2", {class: "view-title"}, t(view.label)), container);
    main.dataset.view = view.id;
    guard(() => view.render(container))();
  }

  // ---- funds ---------------------------------------------------------------------------
  async function renderFunds(main) {
    const dateInput = el("input", {type: "date", id: "asof", value: state.asOf, min: "2000-01-01", max: "2099-12-31"});
    const form = el("form", {class: "toolbar", on: {submit: guard(() => { state.asOf = dateInput.value; route(); })}},
      field("as_of", dateInput, t("as_of_help")),
      el("button", {type: "submit"}, t("apply")),
      el("button", {type: "button", on: {click: () => { state.asOf = ""; route(); }}}, t("now")));
    main.append(form);
    const funds = await allPages("/v1/funds", {as_of: asOfParam(state.asOf)});
    const rows = funds.map((f) => el("tr", {"data-fund": f.fund_id},
      el("th", {scope: "row"}, el("button", {type: "button", class: "link", on: {click: guard(() => showFund(f.fund_id))}}, f.fund_id)),
      el("td", {}, fundTypeName(f.fund_type)), el("td", {}, regionLabel(f.region)),
      ...["allocated", "reserved", "disbursed", "recovered", "available"].map((k) => moneyCell(f.balance[k]))));
    main.append(section("table", table(`${t("v_funds")} (${t("yuan")})${state.asOf ? " · " + t("as_of") + " " + state.asOf : ""}`,
      [col("fund"), col("fund_type"), col("region"), col("allocated", 1), col("reserved", 1), col("disbursed", 1),
       col("recovered", 1), col("available", 1)], rows, {id: "funds-table"})));
    main.append(section("tree", fundTree(funds)));
    const detail = el("div", {id: "fund-detail"});
    main.append(detail);
    const first = state.fund && funds.find((f) => f.fund_id === state.fund) ? state.fund : null;
    if (first) await showFund(first);
  }

  function fundTree(funds) {
    const root = el("div", {id: "fund-tree", class: "tree"});
    for (const ft of FUND_TYPES) {
      const ofType = funds.filter((f) => f.fund_type === ft);
      if (!ofType.length) continue;
      const byRegion = new Map(ofType.map((f) => [f.region, f]));
      const children = new Map();
      const roots = [];
      for (const f of ofType) {
        let p = parentRegion(f.region);
        while (p && !byRegion.has(p)) p = parentRegion(p);
        if (p) {
          if (!children.has(p)) children.set(p, []);
          children.get(p).push(f);
        } else roots.push(f);
      }
      const node = (f) => {
        const label = `${regionLabel(f.region)} · ${t("available")} ${money(f.balance.available)} · ${t("disbursed")} ${money(f.balance.disbursed)}`;
        const kids = (children.get(f.region) || []).sort((a, b) => a.region.localeCompare(b.region));
        if (!kids.length) return el("li", {"data-region": f.region}, label);
        return el("li", {"data-region": f.region}, el("details", {open: true}, el("summary", {}, label), el("ul", {}, kids.map(node))));
      };
      root.append(el("details", {open: true}, el("summary", {}, fundTypeName(ft)), el("ul", {}, roots.map(node))));
    }
    return root;
  }

  async function showFund(fundId) {
    state.fund = fundId;
    const box = $("#fund-detail");
    box.replaceChildren();
    const asOf = asOfParam(state.asOf);
    const fund = await api(`/v1/funds/${encodeURIComponent(fundId)}` + query({as_of: asOf}));
    const card = section("details", dl([["fund", fund.fund_id], ["fund_type", fundTypeName(fund.fund_type)],
      ["region", regionLabel(fund.region)], ["name", fund.name || "—"], ["available", money(fund.balance.available)]]));
    card.id = "fund-card";
    box.append(card);
    if (has(ROLES.reports)) {
      const baseDay = state.asOf || today();
      const yearInput = el("input", {type: "number", id: "chart-year", min: "2000", max: "2099", value: baseDay.slice(0, 4)});
      const chartBox = el("div", {class: "chart", id: "fund-chart", role: "img", "aria-label": t("chart")});
      const chartCard = section("chart", el("form", {class: "toolbar", on: {submit: guard(() => drawChart(fundId, yearInput.value, chartBox))}},
        field("year", yearInput), el("button", {type: "submit"}, t("apply"))), chartBox);
      box.append(chartCard);
      const monthInput = el("input", {type: "month", id: "report-month", value: baseDay.slice(0, 7)});
      const reportBox = el("div", {id: "fund-report"});
      box.append(section("report", el("form", {class: "toolbar", on: {submit: guard(() => drawReport(fundId, monthInput.value, reportBox))}},
        field("month", monthInput), el("button", {type: "submit"}, t("apply")),
        el("button", {type: "button", id: "print", on: {click: () => window.print()}}, t("print"))), reportBox));
      await Promise.all([drawChart(fundId, yearInput.value, chartBox), drawReport(fundId, monthInput.value, reportBox)]);
    }
    {
      const docs = el("div", {id: "fund-documents"});
      box.append(section("documents", el("button", {type: "button", id: "load-documents", on: {click: guard(() => loadDocuments(fundId, docs))}}, t("load_documents")), docs));
    }
    card.scrollIntoView({block: "start"});
  }

  // Only the latest request drawn into a box is shown (an earlier, slower one is dropped).
  const ticket = (box) => (box._seq = (box._seq || 0) + 1);
  const stale = (box, seq) => box._seq !== seq;

  async function drawChart(fundId, year, box) {
    const seq = ticket(box);
    const asOf = asOfParam(state.asOf);
    const last = state.asOf && state.asOf.startsWith(year) ? Number(state.asOf.slice(5, 7)) : 12;
    const months = Array.from({length: last}, (_, i) => `${year}-${String(i + 1).padStart(2, "0")}`);
    const reports = await Promise.all(months.map((m) => api("/v1/reports/fund-usage" +
      query({fund_id: fundId, from: `${m}-01`, to: monthEnd(m), as_of: asOf}))));
    if (stale(box, seq)) return;
    const keys = ["allocated", "reserved", "disbursed", "recovered"];
    box.replaceChildren();
    chart(box, `${fundId} · ${year}`, months, keys.map((k) => ({name: t(k), data: reports.map((r) => r.closing[k])})));
    // The same figures as a table, for screen readers, print and checking.
    if (box.nextElementSibling && box.nextElementSibling.classList.contains("chart-data")) box.nextElementSibling.remove();
    box.after(el("details", {class: "chart-data"}, el("summary", {}, t("table")),
      table(null, [col("month"), ...keys.map((k) => col(k, 1))],
        reports.map((r, i) => el("tr", {}, el("th", {scope: "row"}, months[i]), keys.map((k) => moneyCell(r.closing[k])))))));
  }

  async function drawReport(fundId, month, box) {
    const asOf = asOfParam(state.asOf);
    const params = {fund_id: fundId, from: `${month}-01`, to: monthEnd(month), as_of: asOf};
    const seq = ticket(box);
    const r = await api("/v1/reports/fund-usage" + query(params));
    if (stale(box, seq)) return;
    const keys = ["allocated", "reserved", "disbursed", "recovered", "available"];
    const mv = r.movements;
    const movementRows = ["allocations", "transfers_in", "transfers_out", "reserved", "released", "disbursed", "returned",
      "recovered", "reserved_change"].map((k) => el("tr", {"data-movement": k}, el("th", {scope: "row"}, t(k)), moneyCell(mv[k])));
    for (const [code, amount] of Object.entries(mv.disbursed_by_program || {}))
      movementRows.push(el("tr", {"data-program": code}, el("th", {scope: "row"}, `${t("disbursed_by_program")}: ${code}`), moneyCell(amount)));
    for (const [source, amount] of Object.entries(mv.allocations_by_source || {}))
      movementRows.push(el("tr", {}, el("th", {scope: "row"}, `${t("allocations_by_source")}: ${source}`), moneyCell(amount)));
    box.replaceChildren(
      el("p", {class: "report-head"}, `${r.name || r.fund_id} · ${r.from} — ${r.to} · ${t("ties_out")}: `,
        el("strong", {id: "ties-out"}, r.ties_out ? t("yes") : t("no")), ` · ${t("position")} ${r.position}`),
      table(`${t("report")} (${t("yuan")})`, [col("fund"), col("opening", 1), col("closing", 1)],
        keys.map((k) => el("tr", {"data-balance": k}, el("th", {scope: "row"}, t(k)), moneyCell(r.opening[k]), moneyCell(r.closing[k]))),
        {id: "report-balances"}),
      table(`${t("movements")} (${t("yuan")})`, [col("type"), col("amount", 1)], movementRows, {id: "report-movements"}),
      el("p", {class: "no-print"},
        el("button", {type: "button", id: "dl-csv", on: {click: guard(() => download("/v1/reports/fund-usage" + query(params), "text/csv", "fund-usage.csv"))}}, t("download_csv")), " ",
        el("button", {type: "button", id: "dl-xlsx", on: {click: guard(() => download("/v1/reports/fund-usage" + query(params),
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "fund-usage.xlsx"))}}, t("download_xlsx"))));
  }

  async function loadDocuments(fundId, box) {
    // The fund's movements as the fund-usage report sums them, each with its document number
    // (allocations, transfers) or its claim and references (GET /v1/funds/{id}/movements).
    const rows = await allPages(`/v1/funds/${encodeURIComponent(fundId)}/movements`, {});
    box.replaceChildren(table(`${t("documents")} (${t("yuan")})`,
      [col("position"), col("type"), col("document_no"), col("effective_date"), col("amount", 1), col("fund")],
      rows.map((m) => el("tr", {}, el("td", {}, m.position), el("td", {}, t(m.kind) || m.kind), el("td", {}, m.document_no || m.payment_ref || m.reference || ""),
        el("td", {}, m.business_date), moneyCell(m.amount),
        el("td", {}, m.counterpart_fund || m.source || m.program || ""))), {id: "documents-table"}));
  }

  // ---- programs --------------------------------------------------------------------------
  async function renderPrograms(main) {
    if (!programs) programs = (await api("/v1/programs")).items;
    const name = (p) => (lang === "zh" ? p.name_zh : p.name_en);
    main.append(section("programs", table(null, [col("code"), col("name"), col("clause"), col("fund_types")],
      programs.map((p) => el("tr", {}, el("td", {}, p.code), el("td", {}, name(p)), el("td", {}, p.clause),
        el("td", {}, p.fund_types.map(fundTypeName).join("、")))), {id: "programs-table"})));

    const select = el("select", {id: "program"}, programs.map((p) => el("option", {value: p.code}, `${p.code} · ${name(p)}`)));
    const region = el("input", {id: "param-region", value: me.regions[0] === "000000" ? "210000" : me.regions[0],
                                pattern: "\\d{6}", inputmode: "numeric", required: true});
    const on = el("input", {type: "date", id: "param-on", value: today()});
    const paramBox = el("div", {id: "parameters"});
    main.append(section("parameters", el("form", {class: "toolbar", on: {submit: guard(() => drawParameters(select.value, region.value, on.value, paramBox))}},
      field("program", select), field("region", region), field("on_date", on), el("button", {type: "submit"}, t("apply"))), paramBox));
    const jobs = [drawParameters(select.value, region.value, on.value, paramBox)];

    if (has(ROLES.reports)) {
      const year = el("input", {type: "number", id: "usage-year", min: "2000", max: "2099", value: (state.asOf || today()).slice(0, 4)});
      const usageProgram = el("select", {id: "usage-program"}, programs.map((p) => el("option", {value: p.code}, `${p.code} · ${name(p)}`)));
      const usageBox = el("div", {id: "usage"});
      main.append(section("usage", el("form", {class: "toolbar", on: {submit: guard(() => drawUsage(usageProgram.value, year.value, usageBox))}},
        field("program", usageProgram), field("year", year), el("button", {type: "submit"}, t("apply"))), usageBox));
      jobs.push(drawUsage(usageProgram.value, year.value, usageBox));
    }
    if (has(["admin"])) {
      const changesBox = el("div", {id: "changes"});
      main.append(section("changes", changesBox));
      main.append(proposeForm(() => drawChanges(changesBox)));
      jobs.push(drawChanges(changesBox));
    }
    await Promise.all(jobs);
  }

  async function drawParameters(code, region, on, box) {
    const p = await api(`/v1/programs/${encodeURIComponent(code)}` + query({region, on}));
    const rows = Object.entries(p.parameters).map(([k, v]) => {
      const s = p.sources[k] || {};
      const b = p.bounds[k] || {};
      return el("tr", {"data-parameter": k}, el("th", {scope: "row"}, k), el("td", {class: "num"}, typeof v === "string" ? money(v) : JSON.stringify(v)),
        el("td", {}, [s.region, s.effective_from, s.document_no, lang === "zh" ? (s.source_zh || s.source) : s.source].filter(Boolean).join(" · ")),
        // 不低于: the province's value in force is the floor a city's value keeps to.
        el("td", {class: "num"}, [b.min === undefined || b.min === null ? "—" : String(b.min),
          b.floor && b.floor.value !== undefined ? `≥ ${b.floor.value}` : ""].filter(Boolean).join(" ")),
        el("td", {class: "num"}, b.max === undefined || b.max === null ? "—" : String(b.max)), el("td", {}, b.source || ""));
    });
    const doc = p.document || {};
    box.replaceChildren(
      el("p", {class: "clause-text", lang: "zh"}, `${doc.title_zh || ""}${doc.document_no ? `（${doc.document_no}）` : ""} ${p.clause}：${p.clause_text || ""}`),
      el("p", {}, `${t("rule_version")}: `, el("code", {}, p.rule_version || "—")),
      table(`${p.code} · ${regionLabel(region)} · ${on}`, [col("name"), col("value", 1), col("source"), col("min", 1), col("max", 1), col("bounds")], rows, {id: "parameters-table"}));
  }

  async function drawUsage(code, year, box) {
    const months = Array.from({length: 12}, (_, i) => `${year}-${String(i + 1).padStart(2, "0")}`);
    const asOf = asOfParam(state.asOf);
    const reports = await Promise.all(months.map((m) => api("/v1/reports/program-usage" +
      query({program: code, from: `${m}-01`, to: monthEnd(m), as_of: asOf}))));
    const funds = [...new Set(reports.flatMap((r) => r.lines.map((l) => l.fund_id)))].sort();
    const rows = reports.map((r, i) => el("tr", {"data-month": months[i]}, el("th", {scope: "row"}, months[i]),
      funds.map((f) => moneyCell((r.lines.find((l) => l.fund_id === f) || {}).net || "0.00")), moneyCell(r.total.net)));
    box.replaceChildren(table(`${code} · ${t("net")} (${t("yuan")})`, [col("month"), ...funds.map((f) => ({label: f, num: 1})), col("total", 1)], rows, {id: "usage-table"}));
    const chartBox = el("div", {class: "chart", id: "usage-chart"});
    box.append(chartBox);
    chart(chartBox, `${code} · ${year}`, months, [{name: t("net"), data: reports.map((r) => r.total.net)}]);
  }

  async function drawChanges(box) {
    const items = [];
    for (const p of programs) {
      const page = await api(`/v1/programs/${encodeURIComponent(p.code)}/parameter-changes` + query({status: "proposed"}));
      items.push(...page.items);
    }
    if (!items.length) {
      box.replaceChildren(el("p", {id: "no-changes"}, t("none")));
      return;
    }
    box.replaceChildren(table(null, [col("program"), col("region"), col("effective_from"), col("values"), col("document_no"),
      col("reason"), col("proposed_by"), col("status")], items.map((c) => el("tr", {"data-change": c.change_id},
      el("td", {}, c.program), el("td", {}, c.region), el("td", {}, c.effective_from), el("td", {}, el("code", {}, JSON.stringify(c.values))),
      el("td", {}, c.document_no), el("td", {}, c.reason), el("td", {}, c.proposed_by),
      el("td", {class: "actions"}, c.proposed_by === me.user_id ? statusName(c.status) : [
        el("button", {type: "button", class: "confirm", on: {click: guard(async () => {
          await api(`/v1/programs/${c.program}/parameter-changes/${c.change_id}/confirm`, {method: "POST", body: {}});
          notify(t("change_confirmed"), "ok");
          await drawChanges(box);
        })}}, t("confirm")), " ",
        el("button", {type: "button", class: "reject", on: {click: guard(async () => {
          const reason = window.prompt(t("reason"));
          if (!reason) return;
          await api(`/v1/programs/${c.program}/parameter-changes/${c.change_id}/reject`, {method: "POST", body: {reason}});
          notify(t("change_rejected"), "ok");
          await drawChanges(box);
        })}}, t("reject"))]))), {id: "changes-table"}));
  }

  function proposeForm(after) {
    const program = el("select", {id: "propose-program"}, programs.map((p) => el("option", {value: p.code}, p.code)));
    const region = el("input", {id: "propose-region", required: true, pattern: "\\d{6}", value: me.regions[0] === "000000" ? "210000" : me.regions[0]});
    const from = el("input", {id: "propose-from", type: "date", required: true, value: today()});
    const values = el("textarea", {id: "propose-values", required: true, rows: "3"}, "{}");
    const doc = el("input", {id: "propose-doc", required: true, maxlength: "200"});
    const reason = el("input", {id: "propose-reason", required: true, maxlength: "200"});
    const retro = el("input", {id: "propose-retro", type: "checkbox"});
    return section("propose", el("form", {id: "propose-form", class: "grid-form", on: {submit: guard(async () => {
      const body = {region: region.value, effective_from: from.value, values: JSON.parse(values.value),
                    document_no: doc.value, reason: reason.value};
      if (retro.checked) body.retroactive = true;
      const r = await api(`/v1/programs/${program.value}/parameters`, {method: "PUT", body});
      notify(`${t("change_proposed")}: ${r.change_id}`, "ok");
      await after();
    })}}, field("program", program), field("region", region), field("effective_from", from), field("values", values),
      field("document_no", doc), field("reason", reason), field("retroactive", retro), el("button", {type: "submit"}, t("submit"))));
  }

  // ---- claims ----------------------------------------------------------------------------
  async function renderClaims(main) {
    const mode = el("select", {id: "lookup-mode"}, el("option", {value: "claim"}, t("by_claim")), el("option", {value: "applicant"}, t("by_applicant")));
    const input = el("input", {id: "lookup-value", required: true, autocomplete: "off", spellcheck: "false", maxlength: "64"});
    const dateInput = el("input", {type: "date", id: "claim-asof", value: state.asOf});
    const results = el("div", {id: "claim-results"});
    const form = el("form", {id: "lookup-form", class: "toolbar"}, field("lookup", mode), field("query", input, t("lookup_help")),
      field("as_of", dateInput), el("button", {type: "submit"}, t("query")));
    main.append(section("lookup", form, results));
    form.addEventListener("submit", guard(async () => {
      const raw = input.value.trim();
      const value = mode.value === "applicant" ? raw.toUpperCase() : raw;
      input.value = "";
      state.asOf = dateInput.value;
      if (mode.value === "claim") return showClaim(value, results);
      const page = await api("/v1/claims" + query({limit: 100}), {headers: {"X-Applicant-Id": value}});
      if (!page.items.length) {
        results.replaceChildren(el("p", {}, t("no_claims")));
        return;
      }
      results.replaceChildren(table(t("results"), [col("claim"), col("program"), col("applicant"), col("status"), col("approved", 1), col("paid", 1)],
        page.items.map((c) => el("tr", {"data-claim": c.claim_id},
          el("td", {}, el("button", {type: "button", class: "link", on: {click: guard(() => showClaim(c.claim_id, results))}}, c.claim_id)),
          el("td", {}, c.program), el("td", {}, `${c.applicant.name} ${c.applicant.id}`), el("td", {}, statusName(c.status)),
          moneyCell(c.amounts.approved), moneyCell(c.amounts.paid))), {id: "claims-table"}));
    }));
  }

  function describe(e) {
    const d = e.data || {};
    const parts = [];
    for (const k of ["amount", "reason", "payment_ref", "kind", "approved_on", "paid_on", "returned_on", "received_on", "reference",
      "outcome", "fund_id", "rule_version"]) {
      if (d[k] !== undefined && d[k] !== null) parts.push(`${t(k)}: ${k === "amount" ? money(d[k]) : d[k]}`);
    }
    if (d.explanation || d.entitlement_explanation) parts.push(d.explanation || d.entitlement_explanation);
    return parts.join(" · ");
  }

  // The entitlement's explanation in words: each rule with its clause, whether it passed and
  // its arithmetic, in the page's language (the API gives both).
  function explanation(items) {
    if (!Array.isArray(items) || !items.length) return el("p", {id: "explanation"}, typeof items === "string" ? items : "—");
    return el("ul", {id: "explanation", class: "explanation"}, items.map((x) => el("li", {class: x.passed === false ? "bad" : null},
      `${x.passed === false ? "✗" : "✓"} ${x.clause ? "[" + x.clause + "] " : ""}${(lang === "zh" ? x.zh : x.en) || x.rule || ""}`,
      x.arithmetic ? el("span", {class: "what"}, ` (${x.arithmetic})`) : null)));
  }

  async function showClaim(claimId, box) {
    const asOf = asOfParam(state.asOf);
    const [c, events] = await Promise.all([api(`/v1/claims/${encodeURIComponent(claimId)}` + query({as_of: asOf})),
      api(`/v1/claims/${encodeURIComponent(claimId)}/events`)]);
    const visible = asOf ? events.items.filter((e) => e.version <= c.version) : events.items;
    const amountKeys = ["entitled", "approved", "reserved", "paid", "prepaid", "returned", "clawback_demanded", "recovered", "clawback_outstanding"];
    const parts = [
      section("claim", dl([["claim", c.claim_id], ["program", c.program], ["region", regionLabel(c.region)], ["status", statusName(c.status)],
        ["applicant", `${c.applicant.name} ${c.applicant.id}`], ["beneficiary", c.beneficiary ? `${c.beneficiary.name} ${c.beneficiary.id}` : "—"],
        ["application_date", c.application_date], ["fund", c.fund_id || "—"], ["rule_version", c.rule_version || "—"], ["version", c.version]]),
        el("h3", {}, t("explanation")), explanation(c.entitlement_explanation)),
      section("amounts", table(`${t("amounts")} (${t("yuan")})`, [col("type"), col("amount", 1)],
        amountKeys.map((k) => el("tr", {"data-amount": k}, el("th", {scope: "row"}, t(k)), moneyCell(c.amounts[k]))), {id: "claim-amounts"})),
    ];
    if (c.payments.length) parts.push(section("payments", table(null, [col("payment_ref"), col("kind"), col("amount", 1), col("paid_on"), col("returned")],
      c.payments.map((p) => el("tr", {}, el("td", {}, p.payment_ref), el("td", {}, p.kind), moneyCell(p.amount), el("td", {}, p.paid_on), el("td", {}, p.returned ? t("yes") : t("no")))))));
    if (c.clawbacks.length) parts.push(section("clawbacks", table(null, [col("claim"), col("amount", 1), col("reason"), col("confirmed")],
      c.clawbacks.map((k) => el("tr", {}, el("td", {}, k.clawback_id), moneyCell(k.amount), el("td", {}, k.reason), el("td", {}, k.confirmed ? t("yes") : t("no")))))));
    if (c.publicity) parts.push(section("publicity", dl([["starts_on", c.publicity.starts_on], ["ends_on", c.publicity.ends_on]]),
      table(t("objections"), [col("reason"), col("status")], (c.publicity.objections || []).map((o) => el("tr", {}, el("td", {}, o.reason || ""), el("td", {}, o.outcome || o.status || ""))))));
    parts.push(section("timeline", el("ol", {class: "timeline", id: "timeline"}, visible.map((e) => el("li", {},
      el("strong", {}, e.type), ` · ${e.recorded_at} · ${t("actor")}: ${e.actor || "—"} · v${e.version}`,
      el("div", {class: "what"}, describe(e)))))));
    box.replaceChildren(...parts);
  }

  // ---- reconciliation and close -------------------------------------------------------------
  async function renderRecon(main) {
    const funds = await allPages("/v1/funds", {});
    const fund = el("select", {id: "recon-fund"}, funds.map((f) => el("option", {value: f.fund_id}, `${f.fund_id} · ${fundTypeName(f.fund_type)}`)));
    const month = el("input", {type: "month", id: "recon-month", value: today().slice(0, 7), required: true});
    const box = el("div", {id: "recon"});
    main.append(section("recon", el("form", {class: "toolbar", on: {submit: guard(() => drawRecon(fund.value, month.value, box))}},
      field("fund", fund), field("month", month), el("button", {type: "submit"}, t("apply")),
      el("button", {type: "button", on: {click: () => window.print()}}, t("print"))), box));
    if (has(["treasurer"])) {
      const file = el("input", {type: "file", id: "statement-file", accept: ".csv,text/csv", required: true});
      const columns = el("input", {id: "statement-columns", placeholder: "date:交易日期,amount:金额,direction:借贷标志,reference:摘要"});
      const debit = el("input", {id: "statement-debit", placeholder: "借"});
      const credit = el("input", {id: "statement-credit", placeholder: "贷"});
      const encoding = el("select", {id: "statement-encoding"}, [el("option", {value: ""}, t("encoding_auto")),
        ...["gbk", "gb18030", "utf-8"].map((name) => el("option", {value: name}, name.toUpperCase()))]);
      const result = el("div", {id: "statement-result"});
      main.append(section("upload", el("form", {id: "statement-form", class: "grid-form", on: {submit: guard(async () => {
        // The file's own bytes: in the encoding the officer chose, or none named and the
        // service tells UTF-8 from GBK (a bank's export).
        const params = {fund_id: fund.value, columns: columns.value, debit: debit.value, credit: credit.value};
        const type = encoding.value ? `text/csv; charset=${encoding.value}` : "text/csv";
        const r = await api("/v1/bank-statements" + query(params), {method: "POST", body: file.files[0], headers: {"Content-Type": type}});
        notify(`${t("uploaded")}: ${r.statement_id}`, "ok");
        result.replaceChildren(dl(Object.entries(r.summary).map(([k, v]) => [k, String(v)])));
        await drawRecon(fund.value, month.value, box);
      })}}, field("file", file), field("encoding", encoding), field("columns", columns), field("debit", debit), field("credit", credit),
        el("button", {type: "submit"}, t("submit"))), result));
      const override = el("input", {id: "close-override", maxlength: "200"});
      const closeBox = el("div", {id: "close-result"});
      main.append(section("close", el("form", {id: "close-form", class: "grid-form", on: {submit: guard(async () => {
        const body = override.value.trim() ? {override_reason: override.value.trim()} : {};
        const r = await api(`/v1/periods/${encodeURIComponent(fund.value)}/${month.value}/close`, {method: "POST", body});
        notify(`${t("closed")}: ${r.fund_id} ${r.month}`, "ok");
        closeBox.replaceChildren(dl([["fund", r.fund_id], ["month", r.month], ["closed", r.closed ? t("yes") : t("no")],
          ["override_reason", r.override_reason || "—"], ["closed_months", r.closed_months.join(", ")]]));
      })}}, el("p", {}, `${t("fund")} / ${t("month")}: ↑`), field("override_reason", override), el("button", {type: "submit"}, t("close_month"))), closeBox));
    }
    if (funds.length) await drawRecon(fund.value, month.value, box);
  }

  async function drawRecon(fundId, month, box) {
    const seq = ticket(box);
    // Pages of up to 1000 entries across the three lists; the first page counts each list whole.
    const r = {matched: [], unmatched_in_ledger: [], unmatched_in_bank: []};
    let cursor = null, first = null;
    do {
      const page = await api("/v1/reconciliation" + query({fund_id: fundId, from: `${month}-01`, to: monthEnd(month), limit: 1000, cursor}));
      first = first || page;
      for (const key of Object.keys(r)) r[key].push(...page[key]);
      cursor = page.next_cursor;
    } while (cursor);
    Object.assign(r, {fund_id: first.fund_id, from: first.from, to: first.to});
    if (stale(box, seq)) return;
    const itemRow = (i) => el("tr", {}, el("td", {}, i.kind), el("td", {}, i.claim_id), el("td", {}, i.reference), el("td", {}, i.date), moneyCell(i.amount));
    const lineRow = (l) => el("tr", {}, el("td", {}, l.direction), el("td", {}, l.reference || ""), el("td", {}, l.date), el("td", {}, l.status), moneyCell(l.amount));
    box.replaceChildren(
      el("p", {id: "recon-counts"}, `${r.fund_id} · ${r.from} — ${r.to} · ${t("matched")}: `, el("strong", {"data-count": "matched"}, r.matched.length),
        ` · ${t("unmatched_in_ledger")}: `, el("strong", {"data-count": "unmatched_in_ledger"}, r.unmatched_in_ledger.length),
        ` · ${t("unmatched_in_bank")}: `, el("strong", {"data-count": "unmatched_in_bank"}, r.unmatched_in_bank.length)),
      table(t("matched"), [col("how"), col("reference"), col("date"), col("claim"), col("amount", 1)],
        r.matched.map((m) => el("tr", {}, el("td", {}, m.how), el("td", {}, m.line.reference || ""), el("td", {}, m.line.date), el("td", {}, m.item.claim_id), moneyCell(m.line.amount)))),
      table(t("unmatched_in_ledger"), [col("kind"), col("claim"), col("reference"), col("date"), col("amount", 1)], r.unmatched_in_ledger.map(itemRow)),
      table(t("unmatched_in_bank"), [col("direction"), col("reference"), col("date"), col("status"), col("amount", 1)], r.unmatched_in_bank.map(lineRow)));
  }

  // ---- audit -------------------------------------------------------------------------------
  async function renderAudit(main) {
    // A ledger not yet sealed is a normal state: ask for the latest seal only when there is one,
    // since the browser logs the 404 of an unconditional request as a console error.
    const verify = await api("/v1/audit/verify");
    const seal = (verify.seals || []).length ? await api("/v1/audit/seals/latest") : null;
    main.append(section("verify", el("p", {id: "chain-status", class: verify.ok ? "ok" : "bad"}, verify.ok ? t("ok") : t("failed")),
      dl([["events_checked", String(verify.events_checked)], ["head_position", String(verify.head_position)],
        ["head_hash", el("code", {id: "head-hash"}, verify.head_hash)], ["first_bad_position", verify.first_bad_position === null ? "—" : String(verify.first_bad_position)],
        ["not_checked", (verify.not_checked || []).join("; ") || "—"]])));
    if (seal) {
      const check = (verify.seals || []).find((s) => s.recorded_at_position === seal.recorded_at_position || (s.position === seal.position && s.hash === seal.hash));
      main.append(section("seal", dl([["position", String(seal.position)], ["hash", el("code", {}, seal.hash)], ["sealed_at", seal.sealed_at],
        ["public_key", el("code", {}, seal.public_key)],
        ["seal_check", el("span", {id: "seal-check", class: check && check.ok ? "ok" : "bad"}, check ? (check.ok ? t("ok") : `${t("failed")}: ${check.problem || ""}`) : "—")]])));
    } else {
      main.append(section("seal", el("p", {id: "seal-check"}, t("no_seal"))));
    }
    main.append(section("export", el("button", {type: "button", id: "export-log", on: {click: guard(() => download("/v1/audit/events", "application/x-ndjson", "audit-events.ndjson"))}}, t("export"))));
    const after = el("input", {type: "number", id: "ev-after", min: "0", value: "0"});
    const until = el("input", {type: "number", id: "ev-until", min: "1", value: ""});
    const limit = el("input", {type: "number", id: "ev-limit", min: "1", max: "1000", value: "100"});
    const typeFilter = el("input", {id: "ev-type"});
    const originator = el("input", {id: "ev-originator"});
    const box = el("div", {id: "events"});
    const load = guard(async () => {
      const page = await api("/v1/audit/events" + query({after_position: after.value || 0, limit: limit.value || 100}));
      const items = page.items.filter((e) => (!until.value || e.position <= Number(until.value)) &&
        (!typeFilter.value || e.type.toLowerCase().includes(typeFilter.value.toLowerCase())) &&
        (!originator.value || String(e.originator_id).includes(originator.value)));
      box.replaceChildren(table(null, [col("position"), col("type"), col("recorded_at"), col("actor"), col("data"), col("hash")],
        items.map((e) => el("tr", {"data-position": e.position}, el("td", {class: "num"}, e.position), el("td", {}, e.type), el("td", {}, e.recorded_at),
          el("td", {}, e.actor || ""), el("td", {class: "data"}, describe(e)), el("td", {}, el("code", {title: e.hash}, e.hash.slice(0, 12) + "…")))), {id: "events-table"}),
        page.next_cursor ? el("p", {}, `→ ${t("after_position")} ${page.next_cursor}`) : null);
    });
    main.append(section("events", el("form", {class: "toolbar", on: {submit: load}}, field("after_position", after), field("until_position", until),
      field("limit", limit), field("filter_type", typeFilter), field("filter_originator", originator), el("button", {type: "submit"}, t("load"))), box));
    await load();
  }

  // ---- start ---------------------------------------------------------------------------------
  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    const button = $("#lang");
    button.textContent = lang === "zh" ? "English" : "中文";
    button.lang = lang === "zh" ? "en" : "zh-CN";
  }

  document.addEventListener("DOMContentLoaded", async () => {
    applyLanguage();
    $("#lang").addEventListener("click", () => {
      lang = lang === "zh" ? "en" : "zh";
      sessionStorage.setItem("ledger.lang", lang);
      applyLanguage();
      if (me) start(); else renderSignIn();
    });
    $("#signout").addEventListener("click", () => signOut());
    window.addEventListener("hashchange", route);
    if (!token()) return renderSignIn();
    try {
      me = await api("/v1/users/me", {signingIn: true});
      start();
    } catch (err) {
      sessionStorage.removeItem("ledger.token");
      renderSignIn();
    }
  });
})();
