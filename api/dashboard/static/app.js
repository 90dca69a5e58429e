// The dashboard: every figure is fetched from the JSON API (/v1) with the user's bearer
// token and shown as the API answers it (money strings are only given thousands
// separators, never recomputed; the 合计 rows and subtotals add them up in integer fen).
// Codes are shown by their names (GET /v1/regions, /v1/programs, /v1/users for admins),
// the codes kept as secondary detail. The token lives in sessionStorage only: never in a
// URL, never in a cookie; a token made here (生成我的令牌) leaves the page only as its hash.
// Identity numbers are sent only in a header (X-Applicant-Id, X-Beneficiary-Id), never in a URL, and the API
// answers them masked. Each change to the ledger is described, confirmed once and sent with
// one Idempotency-Key (act()).
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
      on_date: "日期", value: "数值", source: "来源", bounds: "取值范围", min: "下限", max: "上限", floor: "不低于", rule_version: "规则版本",
      usage: "项目按月支出", net: "净支出", total: "合计", changes: "待确认的参数变更", confirm: "确认", reject: "驳回",
      propose: "提出参数变更", effective_from: "生效日期", values: "参数值", reason: "理由", retroactive: "追溯",
      proposed_by: "提出人", status: "状态", none: "无", submit: "提交", change_proposed: "参数变更已提出，待另一管理员确认",
      change_confirmed: "参数变更已确认生效", change_rejected: "参数变更已驳回",
      lookup: "查询申请", by_claim: "按申请编号", by_applicant: "按申请人证件号或统一社会信用代码", by_beneficiary: "按补贴对象身份证号", query: "查询",
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
      subtotal: "小计", beijing: "北京时间", english_detail: "英文原文", basis: "时间口径",
      basis_business: "按业务日期", basis_recorded: "按记账时间",
      basis_business_help: "按业务日期：各笔资金变动按其业务日期（生效、审批、支付日期）计入，月报即按此口径。",
      basis_recorded_help: "按记账时间：显示截至该日结束（北京时间）时台账已记录的内容，审计复核即按此口径。",
      allocated_note: "已拨入 = 拨入 + 调入 − 调出：上级资金的已拨入已扣除下拨给下级的金额（净额）。",
      reserved_change_note: "预留变动 = 预留 − 释放 − 支付 + 退票：支付会消耗此前的预留，故本月无新预留时预留变动也可为负。",
      available_note: "可用 = 已拨入 − 已预留 − 已支付 + 已追回。",
      tree_note: "每个地区后为其本级及所辖下级资金的小计。",
      confirm_title: "请确认", cancel: "取消", confirm_do: "确认执行", working: "正在处理…",
      close_confirm: "将对以下资金的该月份结账，结账后该月不能再记入业务：", close_on_screen: "结账对象为页面上显示的资金与月份",
      propose_confirm: "将提出以下参数变更（需另一管理员确认后生效）：", confirm_change: "将确认以下参数变更，确认后按生效日期生效：",
      reject_change: "将驳回以下参数变更：", upload_confirm: "将导入以下银行对账单并自动匹配：", old_value: "原值", new_value: "新值",
      no_periods: "尚无结账月份", periods: "结账月份", closed_by: "结账人", closed_at: "结账时间", state: "状态",
      reopen_requests: "重新开账申请", open: "未结账", printed_on: "制表日期", unit: "单位：元",
      preparer: "制表人", checker: "审核人", head: "负责人", print_report: "打印月报",
      browse: "浏览申请", submitted_from: "受理日期自", submitted_to: "受理日期至", all: "全部", prev_page: "上一页", next_page: "下一页",
      page_n: "第 {n} 页", export_csv: "导出 CSV（全部筛选结果）", export_xlsx: "导出 XLSX（全部筛选结果）", sort_hint: "点击列标题排序（本页）", rows: "条",
      sort_hint_server: "点击{cols}列标题排序（全部结果，由服务器排序）", submitted_at: "提交时间", updated_at: "更新",
      by_payment_ref: "按支付编号", open_claim: "打开", audit_filters_note: "筛选在服务器端进行，翻页显示全部匹配事件。",
      event_type: "事件类型", originator: "对象编号", fund_filter: "资金", latest_data: "默认显示有数据的最近月份",
      change_roles: "变更角色", change_roles_confirm: "将提出以下角色与地区变更（替换原有的，需另一管理员确认）：",
      reactivate: "恢复", reactivate_confirm: "将提出恢复以下用户（原令牌仍作废，需另一管理员确认）：",
      ask_reopen: "申请重新开账", ask_reopen_confirm: "将申请重新开账以下月份（需另一出纳或管理员确认）：",
      reopen_confirm: "将确认重新开账，该月随即可再记账：", reopened: "已重新开账", reopen_asked: "已申请重新开账，待另一人确认",
      backdated: "补录", unit_label: "单位", v_users: "用户", v_me: "我的账户", make_token: "生成我的令牌", my_token: "我的令牌（请妥善保存，勿告诉他人）",
      make_token_help: "新用户：在本机浏览器生成自己的令牌，令牌不会发送到任何地方。把下方的哈希值念给管理员登记，经另一管理员确认后即可用令牌登录。",
      token_made_help: "请立即保存令牌（例如存入密码管理器）；关闭页面后无法找回。只把哈希值告诉管理员。",
      token_hash: "令牌哈希（SHA-256）", token_hash_help: "由本人在登录页“生成我的令牌”得到的 64 位十六进制哈希（可含空格）",
      rotate_token: "更换令牌", rotate_help: "在本机生成新令牌并登记其哈希；本页随后使用新令牌。", rotate_confirm: "将为您生成并登记新令牌：",
      rotated: "令牌已更换，请保存新令牌", revoke_others: "同时吊销其他令牌", my_account: "我的账户", user_id: "用户编号",
      user_changes: "待确认的用户变更", users: "用户", propose_user: "提出新增用户", user_propose_confirm: "将提出新增以下用户（需另一管理员确认）：",
      user_confirm: "将确认以下用户变更，确认后立即生效：", user_proposed: "已提出，待另一管理员确认", deactivate: "停用",
      deactivate_confirm: "将停用以下用户，其令牌随即失效：", active: "在用", inactive: "已停用", tokens: "有效令牌", actions: "操作",
      skip_lines: "表头前跳过行数", encoding: "文件编码", enc_auto: "自动识别（UTF-8 / GBK）", statement_lines: "对账单行",
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
      on_date: "Date", value: "Value", source: "Source", bounds: "Bounds", min: "Min", max: "Max", floor: "Not below", rule_version: "Rule version",
      usage: "Spending per program by month", net: "Net", total: "Total", changes: "Proposed parameter changes", confirm: "Confirm", reject: "Reject",
      propose: "Propose a parameter change", effective_from: "Effective from", values: "Values", reason: "Reason", retroactive: "Retroactive",
      proposed_by: "Proposed by", status: "Status", none: "none", submit: "Submit", change_proposed: "Change proposed; another admin must confirm it",
      change_confirmed: "Change confirmed and in force", change_rejected: "Change rejected",
      lookup: "Claim look-up", by_claim: "By claim id", by_applicant: "By applicant identity number or credit code", by_beneficiary: "By beneficiary identity number", query: "Look up",
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
      subtotal: "Subtotal", beijing: "China Standard Time", english_detail: "Details", basis: "Time basis",
      basis_business: "By business date", basis_recorded: "By recording time",
      basis_business_help: "By business date: each movement counts on its business date (effective, approval, payment date), as the month report does.",
      basis_recorded_help: "By recording time: what the ledger had recorded by the end of that day (China Standard Time), as an auditor replays it.",
      allocated_note: "Allocated = allocations + transfers in − transfers out: a parent fund's figure is net of what it passed down.",
      reserved_change_note: "Reserved change = reserved − released − paid + returned: payments consume earlier reservations, so it can be negative in a month without new reservations.",
      available_note: "Available = allocated − reserved − disbursed + recovered.",
      tree_note: "Each region shows the subtotal of its own fund and those below it.",
      confirm_title: "Please confirm", cancel: "Cancel", confirm_do: "Do it", working: "Working…",
      close_confirm: "This closes the month below for this fund; nothing dated in it can be recorded afterwards:", close_on_screen: "The close applies to the fund and month shown on the page",
      propose_confirm: "This proposes the parameter change below (in force once another admin confirms):", confirm_change: "This confirms the change below; it is in force from its effective date:",
      reject_change: "This rejects the change below:", upload_confirm: "This imports the statement below and matches it:", old_value: "Old", new_value: "New",
      no_periods: "No month closed yet", periods: "Closed months", closed_by: "Closed by", closed_at: "Closed at", state: "State",
      reopen_requests: "Reopen requests", open: "Open", printed_on: "Printed on", unit: "Unit: yuan",
      preparer: "Prepared by", checker: "Checked by", head: "Approved by", print_report: "Print the report",
      browse: "Browse claims", submitted_from: "Submitted from", submitted_to: "Submitted to", all: "All", prev_page: "Previous", next_page: "Next",
      page_n: "Page {n}", export_csv: "Export CSV (the whole filtered list)", export_xlsx: "Export XLSX (the whole filtered list)", sort_hint: "Click a column heading to sort (this page)", rows: "rows",
      sort_hint_server: "Click {cols} to sort the whole list (on the server)", submitted_at: "Submitted", updated_at: "Updated",
      by_payment_ref: "By payment reference", open_claim: "Open", audit_filters_note: "Filters run on the server; the pages show every matching event.",
      event_type: "Event type", originator: "Originator id", fund_filter: "Fund", latest_data: "Opens on the latest month with data",
      change_roles: "Change roles and regions", change_roles_confirm: "This proposes new roles and regions (they replace the old; another admin confirms):",
      reactivate: "Reactivate", reactivate_confirm: "This proposes reactivating the user (old tokens stay revoked; another admin confirms):",
      ask_reopen: "Ask to reopen", ask_reopen_confirm: "This asks to reopen the month below (another treasurer or an admin confirms):",
      reopen_confirm: "This confirms the reopening; entries dated in the month are accepted again:", reopened: "Reopened", reopen_asked: "Reopen asked; another person must confirm",
      backdated: "Backdated", unit_label: "Unit", v_users: "Users", v_me: "My account", make_token: "Make my token", my_token: "My token (keep it safe; tell no one)",
      make_token_help: "New users: make your own token in this browser; it is sent nowhere. Read the hash below to your admin; once another admin confirms, sign in with the token.",
      token_made_help: "Save the token now (e.g. in a password manager): it cannot be shown again. Tell the admin the hash only.",
      token_hash: "Token hash (SHA-256)", token_hash_help: "The 64 hex characters the person got from “Make my token” (spaces allowed)",
      rotate_token: "Rotate my token", rotate_help: "Makes a new token here and registers its hash; this tab then uses it.", rotate_confirm: "This makes and registers a new token for you:",
      rotated: "Token rotated: save the new one", revoke_others: "Revoke my other tokens", my_account: "My account", user_id: "User id",
      user_changes: "User changes to confirm", users: "Users", propose_user: "Propose a user", user_propose_confirm: "This proposes the user below (another admin confirms):",
      user_confirm: "This confirms the change below; it is in force at once:", user_proposed: "Proposed: another admin must confirm it", deactivate: "Deactivate",
      deactivate_confirm: "This deactivates the user below; their tokens stop working:", active: "Active", inactive: "Inactive", tokens: "Live tokens", actions: "Actions",
      skip_lines: "Lines above the header", encoding: "File encoding", enc_auto: "Detect (UTF-8 / GBK)", statement_lines: "Statement lines",
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

  // Chinese names of the API's codes: event types, movement kinds, sources, match states.
  // Codes stay available as secondary detail (a title or a small code beside the name).
  const CODE_NAMES = {
    // events (GET /v1/claims/{id}/events, /v1/audit/events)
    Submitted: "受理申请", Approved: "核定", Rejected: "驳回", Withdrawn: "撤回", PaymentRecorded: "记录支付", PaymentReturned: "退票", Closed: "结案", ClawbackDemanded: "要求追回",
    ClawbackConfirmed: "确认追回", RecoveryRecorded: "追回到账", ObjectionResolved: "异议处理",
    Opened: "开立", Allocated: "资金拨入", TransferredOut: "调出", TransferredIn: "调入",
    Reserved: "预留", Released: "释放预留", Disbursed: "支付", Recovered: "追回入账", Registered: "登记用户", TokenIssued: "签发令牌", TokenRevoked: "吊销令牌", Issued: "签发", Appointed: "任命",
    Applied: "生效", Deactivated: "停用", Reactivated: "恢复", RolesChanged: "变更角色",
    ChangeProposed: "提出参数变更", ChangeRejected: "驳回参数变更",
    VersionRecorded: "记录参数版本", ShippedValuesRecorded: "记录内置参数", FirstUsed: "首次使用规则",
    ClaimNoted: "登记申请", PaymentNoted: "登记支付", Taken: "占用限额", Freed: "释放限额",
    PeriodClosed: "期间结账", PeriodReopenProposed: "申请重新开账", PeriodReopened: "重新开账",
    Imported: "导入对账单", LineMatched: "匹配对账行", LineDuplicated: "重复对账行", StatementCounted: "对账单计数",
    Sealed: "封印", undecodable: "无法解码", Adjusted: "调整", Confirmed: "确认", FactsRecorded: "补正事实",
    Lifted: "解除", Listed: "列入名单", Made: "生成", NoticeOpened: "开始公示", ObjectionReceived: "收到异议",
    Proposed: "提出", Recorded: "记录", Rekeyed: "更换密钥",
    // movement kinds (GET /v1/funds/{id}/movements) and payment kinds
    allocated: "拨入", transferred_in: "调入", transferred_out: "调出", released: "释放", disbursed: "支付",
    payment_returned: "退票", recovered: "追回", settlement: "结算", prepayment: "预付", payment: "支付", recovery: "追回",
    // allocation sources
    central: "中央", provincial: "省级", municipal: "市级", county: "县级", other: "其他",
    // reconciliation
    exact: "精确匹配", probable: "疑似匹配", overlap: "重叠", unmatched: "未匹配", matched: "已匹配", duplicate: "重复",
    debit: "支出（借）", credit: "收入（贷）", in: "收入", out: "支出",
    // applicants
    person: "个人", enterprise: "单位",
  };
  // The API's problem codes (application/problem+json `code`) and common `field`s in Chinese.
  const PROBLEMS = {
    validation_error: "输入有误", not_found: "未找到", forbidden: "无权限", unauthenticated: "令牌无效或已过期",
    conflict: "与现有记录冲突", duplicate: "重复提交", idempotency_mismatch: "同一请求编号对应了不同的内容",
    insufficient_funds: "资金可用余额不足", invalid_state: "当前状态不允许此操作", limit_exceeded: "超过限额",
    not_eligible: "不符合条件", payload_too_large: "内容过大", period_closed: "该月份已结账",
    precondition_failed: "前提条件不满足", too_many_requests: "请求过于频繁，请稍后再试", unavailable: "服务暂不可用",
    unsupported_media_type: "文件格式不受支持", error: "服务器出错",
  };
  const FIELDS = {
    amount: "金额", region: "地区", fund_id: "资金", month: "月份", program: "项目", application_date: "申请日期",
    effective_date: "生效日期", effective_from: "生效日期", document_no: "文号", reason: "理由", values: "参数值",
    override_reason: "强制结账理由", applicant_id: "申请人证件号", "X-Applicant-Id": "申请人证件号", "X-Beneficiary-Id": "补贴对象身份证号", from: "起始日期",
    to: "截止日期", as_of: "截至日期", token: "令牌", columns: "列映射", paid_on: "支付日期", cursor: "翻页位置",
  };

  // values.<name>: a parameter of a proposed change, named as the parameters table names it.
  const fieldName = (f) => FIELDS[f] || (/^values\./.test(f) ? `${FIELDS.values} ${f.slice(7)}` : f);

  let lang = sessionStorage.getItem("ledger.lang") || "zh";
  let me = null;
  let programs = null;
  let regions = new Map();   // code -> {name_zh, level, parent} (GET /v1/regions)
  let userNames = new Map(); // user_id -> name (GET /v1/users, for those who may read it)
  const state = {asOf: "", basis: "business", fund: null, view: null};

  // ---- helpers -----------------------------------------------------------------------
  const t = (key) => (I18N[lang][key] !== undefined ? I18N[lang][key] : key);
  const fundTypeName = (ft) => FUND_TYPE_NAMES[lang][ft] || ft;
  const statusName = (s) => STATUS_NAMES[lang][s] || s;
  const ROLE_NAMES = {clerk: "经办员", reviewer: "审核员", treasurer: "出纳/财务", auditor: "审计员", admin: "管理员"};
  const roleName = (r) => (lang === "zh" && ROLE_NAMES[r]) || r;
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

  // Integer fen from an API money string, for totals (never a float).
  function toFen(value) {
    const m = /^(-?)(\d+)\.(\d{2})$/.exec(String(value));
    if (!m) return 0n;
    const fen = BigInt(m[2]) * 100n + BigInt(m[3]);
    return m[1] ? -fen : fen;
  }
  function fenText(fen) {
    const n = BigInt(fen);
    const neg = n < 0n;
    const abs = neg ? -n : n;
    return `${neg ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
  }
  const sumMoney = (values) => fenText(values.reduce((a, v) => a + toFen(v), 0n));

  const codeName = (code) => (lang === "zh" && CODE_NAMES[code]) || code;
  const regionName = (code) => (regions.get(code) || {}).name_zh || code;
  // A name first, its code as secondary detail.
  const named = (name, code) => (name === code ? el("span", {}, code) : el("span", {title: code}, name, " ", el("small", {class: "code"}, code)));
  const regionCell = (code) => named(regionName(code), code);
  function fundName(fundId) {
    const [ft, region] = String(fundId || "").split(":");
    if (!region) return fundId || "—";
    return `${regionName(region)} · ${fundTypeName(ft)}`;
  }
  const fundCell = (fundId) => named(fundName(fundId), fundId);
  function actorName(id) {
    if (!id) return "—";
    if (userNames.has(id)) return userNames.get(id);
    if (me && id === me.user_id) return me.name;
    return id.slice(0, 8) + "…";
  }
  const actorCell = (id) => el("span", {title: id || ""}, actorName(id));
  function programName(code) {
    const p = (programs || []).find((x) => x.code === code);
    return p ? (lang === "zh" ? p.name_zh : p.name_en) : code;
  }
  // A recorded time (UTC, ISO 8601) in Beijing time: "2026-12-07 23:35:45".
  function beijing(iso) {
    if (!iso) return "—";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19).replace("T", " ");
  }
  const timeCell = (iso) => el("time", {datetime: iso || "", title: iso || ""}, beijing(iso));
  // Fen of an event's data (amount_fen, entitled_fen, released_fen) in yuan.
  const fenMoney = (fen) => money(fenText(fen));

  function regionLevel(code) {
    if (code === "000000") return 0;
    if (code.endsWith("0000")) return 1;
    if (code.endsWith("00")) return 2;
    return 3;
  }
  const regionLabel = (code) => (regions.has(code) ? `${regionName(code)}（${code}）` : `${code} (${t("level_" + regionLevel(code))})`);
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
    if (text instanceof Node) box.replaceChildren(text);
    else box.textContent = text;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && (body.detail || body.title)) || `HTTP ${status}`);
      this.status = status;
      this.code = body && body.code;
      this.field = body && body.field;
      this.bound = body && body.bound;
    }
  }

  // A parameter value outside its bounds (problem member `bound`), said in Chinese: the
  // limit it broke and the limit's source.
  const BOUND_LIMITS = {min: "不得低于", max: "不得高于", floor: "不得低于"};
  function boundRefusal(b) {
    if (!b || !BOUND_LIMITS[b.limit] || !b.source_zh) return null;
    const whose = b.limit === "floor" ? `${b.region ? regionName(b.region) + "同日现行标准" : b.of_zh || ""} ` : "";
    return `${BOUND_LIMITS[b.limit]}${whose}${typeof b.value === "string" ? money(b.value) : b.value}（依据：${b.source_zh}）`;
  }

  // A problem in the page's language: the code's Chinese name (and the field's), with the
  // API's English detail one click away.
  function problem(prefix, err) {
    const code = err.code || (err.status === 401 ? "unauthenticated" : null);
    if (lang !== "zh") return el("span", {class: "problem"}, `${prefix}: ${err.message}${code ? " (" + code + ")" : ""}`);
    const said = PROBLEMS[code] || (err.status ? `HTTP ${err.status}` : err.message);
    const where = err.field ? `（${fieldName(err.field)}）` : "";
    const bound = boundRefusal(err.bound);
    return el("span", {class: "problem", "data-code": code || ""}, `${prefix}：${said}${where}${bound ? "：" + bound : ""} `,
      el("details", {class: "problem-detail"}, el("summary", {}, t("english_detail")),
        el("span", {lang: "en"}, `${err.message}${code ? " (" + code + ")" : ""}`)));
  }

  // Asks once before a change to the ledger: what it will do, then 确认执行 or 取消.
  function confirmDialog(title, body) {
    return new Promise((resolve) => {
      const ok = el("button", {value: "ok", id: "confirm-ok"}, t("confirm_do"));
      const dlg = el("dialog", {class: "confirm", id: "confirm-dialog", "aria-labelledby": "confirm-title"},
        el("h2", {id: "confirm-title"}, t("confirm_title")), el("p", {}, title), body || null,
        el("form", {method: "dialog", class: "actions"}, el("button", {value: "cancel", class: "reject", id: "confirm-cancel"}, t("cancel")), " ", ok));
      dlg.addEventListener("close", () => { resolve(dlg.returnValue === "ok"); dlg.remove(); });
      document.body.append(dlg);
      dlg.showModal();
      ok.focus();
    });
  }

  // A ledger-changing action: the button is disabled at once (a double-click is one click),
  // the change is described and confirmed, then sent with one Idempotency-Key (a retry of the
  // same request is the same change) while the button shows a spinner.
  function act(button, summary, fn) {
    return guard(async (event) => {
      if (button.disabled) return;
      button.disabled = true;
      try {
        const s = summary ? await summary(event) : null;
        if (s && !(await confirmDialog(s[0], s[1]))) return;
        button.classList.add("busy");
        button.setAttribute("aria-busy", "true");
        notify(t("working"), "info");
        await fn(crypto.randomUUID());
      } finally {
        button.disabled = false;
        button.classList.remove("busy");
        button.removeAttribute("aria-busy");
      }
    });
  }

  function token() {
    return sessionStorage.getItem("ledger.token");
  }

  // Requests in flight: <main aria-busy> while any is, so assistive technology waits for the
  // page to settle before reading it, and <html data-pending> (the count) for the browser
  // tests, which wait for it (a redraw landing after a value is typed would undo it).
  let inFlight = 0;
  function inFlightBy(delta) {
    inFlight += delta;
    document.documentElement.dataset.pending = String(inFlight);
    const main = document.getElementById("main");
    if (main) main.setAttribute("aria-busy", inFlight > 0 ? "true" : "false");
  }

  async function api(path, options) {
    inFlightBy(1);
    try {
      return await request(path, options);
    } finally {
      inFlightBy(-1);
    }
  }

  async function request(path, options) {
    const opts = options || {};
    const headers = {Authorization: "Bearer " + token(), Accept: opts.accept || "application/json",
                     ...(opts.headers || {})};
    let body = opts.body;
    if (body !== undefined && typeof body !== "string" && !(body instanceof ArrayBuffer) && !(body instanceof Blob)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    if (opts.method && opts.method !== "GET") headers["Idempotency-Key"] = opts.key || crypto.randomUUID();
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
    saveBlob(blob, m ? m[1] : fallbackName);
  }

  function saveBlob(blob, name) {
    const a = el("a", {href: URL.createObjectURL(blob), download: name});
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
        notify(problem(t("error"), err), "error");
      }
    };
  }

  // A table in its own horizontal scroller (a narrow screen scrolls the table, not the page);
  // `foot`: rows of a <tfoot> (the 合计).
  function table(caption, headers, rows, attrs, foot) {
    return el("div", {class: "scroll"}, el("table", attrs || {},
      caption ? el("caption", {}, caption) : null,
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", {scope: "col", class: h.num ? "num" : null}, h.label || h)))),
      el("tbody", {}, rows && rows.length ? rows : el("tr", {class: "empty"}, el("td", {colspan: String(headers.length)}, t("none")))),
      foot && foot.length ? el("tfoot", {}, foot) : null));
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
    // One chart per box: a box drawn again (another year) disposes of its old chart first, or
    // ECharts keeps drawing into the removed one and the box stays blank.
    const old = window.echarts.getInstanceByDom(container);
    if (old) old.dispose();
    container.replaceChildren();
    const c = window.echarts.init(container, null, {renderer: "svg", locale: lang === "zh" ? "ZH" : "EN"});
    c.setOption({
      // The bundled Noto Sans SC: legends and titles in Chinese without a CJK system font.
      textStyle: {fontFamily: CHART_FONT},
      aria: {enabled: true, decal: {show: true}},
      title: {text: title, textStyle: {fontSize: 14, fontFamily: CHART_FONT}},
      tooltip: {trigger: "axis", valueFormatter: (v) => money(Number(v).toFixed(2))},
      legend: {top: 24, textStyle: {fontFamily: CHART_FONT}},
      grid: {left: 110, right: 20, top: 64, bottom: 30},
      xAxis: {type: "category", data: categories},
      yAxis: {type: "value", axisLabel: {formatter: (v) => money(String(v))}},
      series: series.map((s) => ({name: s.name, type: "line", data: s.data.map(Number), symbolSize: 6})),
      animation: false,
    });
    if (!container._resizing) {
      container._resizing = true;
      const resize = () => { const i = window.echarts.getInstanceByDom(container); if (i) i.resize(); };
      window.addEventListener("resize", resize);
      window.addEventListener("beforeprint", resize);
    }
  }
  const CHART_FONT = '"Noto Sans SC", sans-serif';

  // ---- sign-in -------------------------------------------------------------------------
  function signOut(message) {
    sessionStorage.removeItem("ledger.token");
    me = null;
    userNames = new Map();
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
        renderSignIn(problem(t("signin_failed"), err));
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
    const maker = el("section", {class: "card signin", id: "token-maker", "aria-labelledby": "h-make-token"},
      el("h2", {id: "h-make-token"}, t("make_token")), el("p", {class: "help"}, t("make_token_help")), ...tokenMaker());
    $("#main").replaceChildren(form, maker);
    input.focus();
  }

  // ---- navigation ----------------------------------------------------------------------
  const VIEWS = [
    {id: "funds", label: "v_funds", allowed: () => has(ROLES.funds), render: renderFunds},
    {id: "programs", label: "v_programs", allowed: () => true, render: renderPrograms},
    {id: "claims", label: "v_claims", allowed: () => has(ROLES.claims), render: renderClaims},
    {id: "recon", label: "v_recon", allowed: () => has(ROLES.recon), render: renderRecon},
    {id: "audit", label: "v_audit", allowed: () => has(ROLES.audit), render: renderAudit},
    {id: "users", label: "v_users", allowed: () => has(["admin"]), render: renderUsers},
    {id: "me", label: "v_me", allowed: () => true, render: renderMe},
  ];

  // What names the codes: the divisions, the programs, and (for an admin, who may read them)
  // the users. Loaded once per sign-in.
  async function loadNames() {
    if (!regions.size) {
      const r = await api("/v1/regions");
      regions = new Map(r.items.map((x) => [x.code, x]));
    }
    if (!programs) programs = (await api("/v1/programs")).items;
    // The chart's canvas text uses the bundled font: have it loaded before the first chart.
    if (document.fonts && document.fonts.load) await document.fonts.load('14px "Noto Sans SC"', "资金").catch(() => null);
    if (has(["admin"]) && !userNames.size) {
      try {
        for (const u of await allPages("/v1/users", {})) userNames.set(u.user_id, u.name);
      } catch (err) { /* names stay ids */ }
    }
  }

  async function start() {
    try {
      await loadNames();
    } catch (err) {
      if (err.status === 401) return;
    }
    $("#who").textContent = `${me.name} · ${t("roles")}: ${me.roles.map(roleName).join("、")} · ${t("regions")}: ${me.regions.map(regionName).join("、")}`;
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
  const BALANCE_KEYS = ["allocated", "reserved", "disbursed", "recovered", "available"];
  // The 合计 row of a money table: each column summed in fen.
  const totalRow = (label, span, columns) => el("tr", {class: "total", "data-total": ""},
    el("th", {scope: "row", colspan: span > 1 ? String(span) : null}, label), columns.map((values) => moneyCell(sumMoney(values))));

  // The time basis of the toolbar's date: 按业务日期 (balances at that business date, as the
  // month report counts) or 按记账时间 (what the ledger had recorded by the end of that day).
  function basisControls(onApply) {
    const dateInput = el("input", {type: "date", id: "asof", value: state.asOf, min: "2000-01-01", max: "2099-12-31"});
    const basis = el("select", {id: "basis"}, ["business", "recorded"].map((b) =>
      el("option", {value: b, selected: state.basis === b}, t("basis_" + b))));
    const help = el("small", {id: "basis-help"}, t("basis_" + state.basis + "_help"));
    basis.addEventListener("change", () => { help.textContent = t("basis_" + basis.value + "_help"); });
    const form = el("form", {class: "toolbar", on: {submit: guard(() => { state.asOf = dateInput.value; state.basis = basis.value; onApply(); })}},
      field("basis", basis), field("as_of", dateInput), el("button", {type: "submit"}, t("apply")),
      el("button", {type: "button", on: {click: () => { state.asOf = ""; onApply(); }}}, t("now")), help);
    return form;
  }
  // The as_of of reads: only 按记账时间 replays the log as it stood.
  const recordedAsOf = () => (state.basis === "recorded" ? asOfParam(state.asOf) : null);

  async function fundsNow() {
    if (!state.asOf || state.basis === "recorded") return allPages("/v1/funds", {as_of: recordedAsOf()});
    // 按业务日期: each fund's closing balance on that business date (the report's roll-up).
    const seen = new Map();
    for (const ft of FUND_TYPES) {
      for (const region of me.regions) {
        const r = await api("/v1/reports/fund-usage" + query({fund_type: ft, region, from: state.asOf, to: state.asOf}));
        for (const line of r.lines || []) {
          const [, reg] = line.fund_id.split(":");
          seen.set(line.fund_id, {fund_id: line.fund_id, fund_type: ft, region: reg, balance: line.closing});
        }
      }
    }
    return [...seen.values()].sort((a, b) => a.fund_id.localeCompare(b.fund_id));
  }

  async function renderFunds(main) {
    main.append(basisControls(route));
    const funds = await fundsNow();
    const rows = funds.map((f) => el("tr", {"data-fund": f.fund_id},
      el("th", {scope: "row"}, el("button", {type: "button", class: "link", title: f.fund_id, on: {click: guard(() => showFund(f.fund_id))}}, fundName(f.fund_id)),
        " ", el("small", {class: "code"}, f.fund_id)),
      el("td", {class: "nowrap"}, fundTypeName(f.fund_type)), el("td", {class: "nowrap"}, regionCell(f.region)),
      ...BALANCE_KEYS.map((k) => moneyCell(f.balance[k]))));
    const when = state.asOf ? ` · ${t("basis_" + state.basis)} · ${t("as_of")} ${state.asOf}` : "";
    main.append(section("table", table(`${t("v_funds")} (${t("yuan")})${when}`,
      [col("fund"), col("fund_type"), col("region"), ...BALANCE_KEYS.map((k) => col(k, 1))], rows, {id: "funds-table"},
      funds.length ? [totalRow(t("total"), 3, BALANCE_KEYS.map((k) => funds.map((f) => f.balance[k])))] : null),
      el("p", {class: "help", id: "allocated-note"}, t("allocated_note"), " ", t("available_note"))));
    main.append(section("tree", el("p", {class: "help"}, t("tree_note")), fundTree(funds)));
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
      const subtree = (f) => [f, ...(children.get(f.region) || []).flatMap(subtree)];
      const node = (f) => {
        const kids = (children.get(f.region) || []).sort((a, b) => a.region.localeCompare(b.region));
        const own = `${t("available")} ${money(f.balance.available)} · ${t("disbursed")} ${money(f.balance.disbursed)}`;
        const all = subtree(f);
        const sub = kids.length ? el("span", {class: "subtotal", "data-subtotal": f.region},
          ` · ${t("subtotal")}: ${t("available")} ${money(sumMoney(all.map((x) => x.balance.available)))} · ${t("disbursed")} ${money(sumMoney(all.map((x) => x.balance.disbursed)))}`) : null;
        const label = [el("strong", {}, regionName(f.region)), " ", el("small", {class: "code"}, f.region), ` · ${own}`, sub];
        if (!kids.length) return el("li", {"data-region": f.region}, label);
        return el("li", {"data-region": f.region}, el("details", {open: true}, el("summary", {}, label), el("ul", {}, kids.map(node))));
      };
      root.append(el("details", {open: true}, el("summary", {}, fundTypeName(ft)), el("ul", {}, roots.map(node))));
    }
    return root;
  }

  // The latest business month with a movement of the fund (up to `limit`, a date), so a view
  // opens on figures rather than on an empty current month.
  async function latestMonth(fundId, limit, kinds) {
    const rows = await allPages(`/v1/funds/${encodeURIComponent(fundId)}/movements`, {as_of: recordedAsOf()});
    const dates = rows.filter((m) => !kinds || kinds.includes(m.kind)).map((m) => m.business_date)
      .filter((d) => d && (!limit || d <= limit)).sort();
    return dates.length ? dates[dates.length - 1].slice(0, 7) : (limit || today()).slice(0, 7);
  }

  async function showFund(fundId) {
    state.fund = fundId;
    const box = $("#fund-detail");
    box.replaceChildren();
    const asOf = recordedAsOf();
    const fund = await api(`/v1/funds/${encodeURIComponent(fundId)}` + query({as_of: asOf}));
    const card = section("details", dl([["fund", named(fundName(fund.fund_id), fund.fund_id)], ["fund_type", fundTypeName(fund.fund_type)],
      ["region", regionCell(fund.region)], ["name", fund.name || "—"], ["available", money(fund.balance.available)]]));
    card.id = "fund-card";
    box.append(card);
    if (has(ROLES.reports)) {
      const month0 = state.asOf && state.basis === "business" ? state.asOf.slice(0, 7) : await latestMonth(fundId, state.asOf || null);
      const yearInput = el("input", {type: "number", id: "chart-year", min: "2000", max: "2099", value: month0.slice(0, 4)});
      const chartBox = el("div", {class: "chart", id: "fund-chart", role: "img", "aria-label": t("chart")});
      const chartCard = section("chart", el("form", {class: "toolbar", on: {submit: guard(() => drawChart(fundId, yearInput.value, chartBox))}},
        field("year", yearInput), el("button", {type: "submit"}, t("apply"))), chartBox);
      box.append(chartCard);
      const monthInput = el("input", {type: "month", id: "report-month", value: month0});
      const reportBox = el("div", {id: "fund-report"});
      const reportCard = section("report", el("form", {class: "toolbar", on: {submit: guard(() => drawReport(fundId, monthInput.value, reportBox))}},
        field("month", monthInput, t("latest_data")), el("button", {type: "submit"}, t("apply")),
        el("button", {type: "button", id: "print", on: {click: () => printReport()}}, t("print_report"))), reportBox);
      reportCard.id = "report-card";
      box.append(reportCard);
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
    const asOf = recordedAsOf();
    const last = state.asOf && state.asOf.startsWith(year) ? Number(state.asOf.slice(5, 7)) : 12;
    const months = Array.from({length: last}, (_, i) => `${year}-${String(i + 1).padStart(2, "0")}`);
    const reports = await Promise.all(months.map((m) => api("/v1/reports/fund-usage" +
      query({fund_id: fundId, from: `${m}-01`, to: monthEnd(m), as_of: asOf}))));
    if (stale(box, seq)) return;
    const keys = ["allocated", "reserved", "disbursed", "recovered"];
    chart(box, `${fundName(fundId)} · ${year}`, months, keys.map((k) => ({name: t(k), data: reports.map((r) => r.closing[k])})));
    // The same figures as a table, for screen readers, print and checking.
    if (box.nextElementSibling && box.nextElementSibling.classList.contains("chart-data")) box.nextElementSibling.remove();
    box.after(el("details", {class: "chart-data"}, el("summary", {}, t("table")),
      table(null, [col("month"), ...keys.map((k) => col(k, 1))],
        reports.map((r, i) => el("tr", {}, el("th", {scope: "row"}, months[i]), keys.map((k) => moneyCell(r.closing[k])))))));
  }

  async function drawReport(fundId, month, box) {
    const asOf = recordedAsOf();
    const params = {fund_id: fundId, from: `${month}-01`, to: monthEnd(month), as_of: asOf};
    const seq = ticket(box);
    const r = await api("/v1/reports/fund-usage" + query(params));
    if (stale(box, seq)) return;
    const keys = BALANCE_KEYS;
    const mv = r.movements;
    const movementRows = ["allocations", "transfers_in", "transfers_out", "reserved", "released", "disbursed", "returned",
      "recovered"].map((k) => el("tr", {"data-movement": k}, el("th", {scope: "row"}, t(k)), moneyCell(mv[k])));
    movementRows.push(el("tr", {"data-movement": "reserved_change", class: "derived"}, el("th", {scope: "row"}, t("reserved_change"),
      el("br"), el("small", {class: "note"}, t("reserved_change_note"))), moneyCell(mv.reserved_change)));
    const programRows = Object.entries(mv.disbursed_by_program || {}).map(([code, amount]) =>
      el("tr", {"data-program": code}, el("th", {scope: "row"}, named(programName(code), code)), moneyCell(amount)));
    const sourceRows = Object.entries(mv.allocations_by_source || {}).map(([source, amount]) =>
      el("tr", {"data-source": source}, el("th", {scope: "row"}, named(codeName(source), source)), moneyCell(amount)));
    const signLine = el("div", {class: "sign-lines print-only"}, ["preparer", "checker", "head"].map((k) => el("span", {}, `${t(k)}：________`)),
      el("span", {}, `${t("printed_on")}：${today()}`));
    box.replaceChildren(...[
      el("h3", {class: "report-title"}, `${fundName(r.fund_id)} ${t("report")}`),
      el("p", {class: "report-head"}, `${r.name || r.fund_id} · ${r.from} — ${r.to} · ${t("ties_out")}: `,
        el("strong", {id: "ties-out"}, r.ties_out ? t("yes") : t("no")), ` · ${t("position")} ${r.position}`,
        el("span", {class: "unit"}, ` · ${t("unit")}`)),
      table(`${t("report")} (${t("yuan")})`, [col("fund"), col("opening", 1), col("closing", 1)],
        keys.map((k) => el("tr", {"data-balance": k}, el("th", {scope: "row"}, t(k)), moneyCell(r.opening[k]), moneyCell(r.closing[k]))),
        {id: "report-balances"}),
      el("p", {class: "help"}, t("allocated_note"), " ", t("available_note")),
      table(`${t("movements")} (${t("yuan")})`, [col("type"), col("amount", 1)], movementRows, {id: "report-movements"}),
      programRows.length ? table(`${t("disbursed_by_program")} (${t("yuan")})`, [col("program"), col("amount", 1)], programRows,
        {id: "report-programs"}, [totalRow(t("total"), 1, [Object.values(mv.disbursed_by_program)])]) : null,
      sourceRows.length ? table(`${t("allocations_by_source")} (${t("yuan")})`, [col("source"), col("amount", 1)], sourceRows,
        {id: "report-sources"}, [totalRow(t("total"), 1, [Object.values(mv.allocations_by_source)])]) : null,
      signLine,
      el("p", {class: "no-print"},
        el("button", {type: "button", id: "dl-csv", on: {click: guard(() => download("/v1/reports/fund-usage" + query(params), "text/csv", "fund-usage.csv"))}}, t("download_csv")), " ",
        el("button", {type: "button", id: "dl-xlsx", on: {click: guard(() => download("/v1/reports/fund-usage" + query(params),
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "fund-usage.xlsx"))}}, t("download_xlsx")))].filter(Boolean));
  }

  // 打印月报: only the month report, as a bureau files it (print CSS: body.print-report).
  function printReport() {
    document.body.classList.add("print-report");
    const done = () => { document.body.classList.remove("print-report"); window.removeEventListener("afterprint", done); };
    window.addEventListener("afterprint", done);
    window.print();
  }

  async function loadDocuments(fundId, box) {
    // The fund's movements as the fund-usage report sums them, each with its document number
    // (allocations, transfers) or its claim and references (GET /v1/funds/{id}/movements).
    const rows = await allPages(`/v1/funds/${encodeURIComponent(fundId)}/movements`, {as_of: recordedAsOf()});
    const other = (m) => (m.counterpart_fund ? fundCell(m.counterpart_fund) : m.source ? named(codeName(m.source), m.source)
      : m.program ? named(programName(m.program), m.program) : "");
    box.replaceChildren(table(`${t("documents")} (${t("yuan")})`,
      [col("position"), col("type"), col("document_no"), col("effective_date"), col("recorded_at"), col("amount", 1), col("fund")],
      rows.map((m) => el("tr", {}, el("td", {}, m.position), el("td", {}, named(codeName(m.kind), m.kind)),
        el("td", {}, m.document_no || m.payment_ref || m.reference || ""),
        el("td", {}, m.business_date), el("td", {class: "nowrap"}, timeCell(m.recorded_at)), moneyCell(m.amount), el("td", {}, other(m)))),
      {id: "documents-table"}));
  }

  // ---- programs --------------------------------------------------------------------------
  async function renderPrograms(main) {
    if (!programs) programs = (await api("/v1/programs")).items;
    const name = (p) => (lang === "zh" ? p.name_zh : p.name_en);
    main.append(section("programs", table(null, [col("code"), col("name"), col("clause"), col("fund_types")],
      programs.map((p) => el("tr", {"data-program": p.code}, el("td", {}, el("small", {class: "code"}, p.code)), el("td", {}, name(p)), el("td", {}, p.clause),
        el("td", {}, p.fund_types.map(fundTypeName).join("、")))), {id: "programs-table"})));

    const select = el("select", {id: "program"}, programs.map((p) => el("option", {value: p.code}, `${name(p)}（${p.code}）`)));
    const region = el("input", {id: "param-region", value: me.regions[0] === "000000" ? "210000" : me.regions[0],
                                pattern: "\\d{6}", inputmode: "numeric", required: true});
    const on = el("input", {type: "date", id: "param-on", value: today()});
    const paramBox = el("div", {id: "parameters"});
    main.append(section("parameters", el("form", {class: "toolbar", on: {submit: guard(() => drawParameters(select.value, region.value, on.value, paramBox))}},
      field("program", select), field("region", region), field("on_date", on), el("button", {type: "submit"}, t("apply"))), paramBox));
    const jobs = [drawParameters(select.value, region.value, on.value, paramBox)];

    if (has(ROLES.reports)) {
      const usageProgram = el("select", {id: "usage-program"}, programs.map((p) => el("option", {value: p.code}, `${name(p)}（${p.code}）`)));
      const year = el("input", {type: "number", id: "usage-year", min: "2000", max: "2099",
                                value: state.asOf ? state.asOf.slice(0, 4) : await latestClaimYear(usageProgram.value)});
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

  // A bound's source in the page's language: in Chinese its `source_zh` (the clause, a
  // national rule or 本地假设) with the document's number as its title, in English its
  // `source`; a floor (不低于) follows with its own source.
  function boundSource(b) {
    if (!b || !b.source) return "";
    const zh = lang === "zh" && b.source_zh;
    const said = (x) => el("span", {class: "bound-source", title: zh ? x.document_no || null : x.source},
      zh ? x.source_zh : x.source);
    const f = b.floor;
    if (!f || !f.source) return said(b);
    const floorText = (zh && f.source_zh) ? `${t("floor")}：${f.of_zh || ""}` : `${t("floor")}: ${f.of || ""}`;
    return el("span", {}, said(b), lang === "zh" ? "；" : "; ", floorText, f.value !== undefined && f.value !== null ? ` ${f.value}` : "",
      lang === "zh" ? "（" : " (", said(f), lang === "zh" ? "）" : ")");
  }

  async function drawParameters(code, region, on, box) {
    const p = await api(`/v1/programs/${encodeURIComponent(code)}` + query({region, on}));
    const rows = Object.entries(p.parameters).map(([k, v]) => {
      const s = p.sources[k] || {};
      const b = p.bounds[k] || {};
      return el("tr", {"data-parameter": k}, el("th", {scope: "row"}, k), el("td", {class: "num"}, typeof v === "string" ? money(v) : JSON.stringify(v)),
        el("td", {}, [s.region ? regionName(s.region) : null, s.effective_from, s.document_no, lang === "zh" ? (s.source_zh || s.source) : s.source].filter(Boolean).join(" · ")),
        // 不低于: the province's value in force is the floor a city's value keeps to.
        el("td", {class: "num"}, [b.min === undefined || b.min === null ? "—" : String(b.min),
          b.floor && b.floor.value !== undefined ? `≥ ${b.floor.value}` : ""].filter(Boolean).join(" ")),
        el("td", {class: "num"}, b.max === undefined || b.max === null ? "—" : String(b.max)), el("td", {class: "bounds"}, boundSource(b)));
    });
    const doc = p.document || {};
    box.replaceChildren(
      el("p", {class: "clause-text", lang: "zh"}, `${doc.title_zh || ""}${doc.document_no ? `（${doc.document_no}）` : ""} ${p.clause}：${p.clause_text || ""}`),
      el("p", {}, `${t("rule_version")}: `, el("code", {}, p.rule_version || "—")),
      table(`${programName(p.code)} · ${regionLabel(region)} · ${on}`, [col("name"), col("value", 1), col("source"), col("min", 1), col("max", 1), col("bounds")], rows, {id: "parameters-table"}));
  }

  // The year of the program's latest claim (a view opens on a year with figures).
  async function latestClaimYear(code) {
    const claims = await allPages("/v1/claims", {program: code}).catch(() => []);
    const dates = claims.map((c) => c.approved_on || c.application_date).filter(Boolean).sort();
    return (dates.length ? dates[dates.length - 1] : today()).slice(0, 4);
  }

  async function drawUsage(code, year, box) {
    const months = Array.from({length: 12}, (_, i) => `${year}-${String(i + 1).padStart(2, "0")}`);
    const asOf = asOfParam(state.asOf);
    const reports = await Promise.all(months.map((m) => api("/v1/reports/program-usage" +
      query({program: code, from: `${m}-01`, to: monthEnd(m), as_of: asOf}))));
    const funds = [...new Set(reports.flatMap((r) => r.lines.map((l) => l.fund_id)))].sort();
    const rows = reports.map((r, i) => el("tr", {"data-month": months[i]}, el("th", {scope: "row"}, months[i]),
      funds.map((f) => moneyCell((r.lines.find((l) => l.fund_id === f) || {}).net || "0.00")), moneyCell(r.total.net)));
    const foot = [totalRow(t("total"), 1, [...funds.map((f) => reports.map((r) => (r.lines.find((l) => l.fund_id === f) || {}).net || "0.00")),
      reports.map((r) => r.total.net)])];
    box.replaceChildren(table(`${programName(code)} · ${t("net")} (${t("yuan")})`, [col("month"), ...funds.map((f) => ({label: fundName(f), num: 1})), col("total", 1)], rows, {id: "usage-table"}, foot));
    const chartBox = el("div", {class: "chart", id: "usage-chart"});
    box.append(chartBox);
    chart(chartBox, `${programName(code)} · ${year}`, months, [{name: t("net"), data: reports.map((r) => r.total.net)}]);
  }

  // The values a change would replace: the program's parameters in force at that region on
  // its effective date.
  async function oldValues(program, region, on) {
    try {
      return (await api(`/v1/programs/${encodeURIComponent(program)}` + query({region, on}))).parameters || {};
    } catch (err) {
      return {};
    }
  }
  const valueText = (v) => (v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));
  const diffTable = (values, old) => table(null, [col("name"), col("old_value"), col("new_value")],
    Object.entries(values).map(([k, v]) => el("tr", {"data-parameter": k}, el("th", {scope: "row"}, k),
      el("td", {class: "old"}, valueText(old[k])), el("td", {class: "new"}, valueText(v)))), {class: "diff"});
  const changeFacts = (c) => dl([["program", named(programName(c.program), c.program)], ["region", regionCell(c.region)],
    ["effective_from", c.effective_from], ["document_no", c.document_no || "—"], ["reason", c.reason || "—"],
    ["proposed_by", actorName(c.proposed_by)]]);

  async function drawChanges(box) {
    const pages = await Promise.all(programs.map((p) => api(`/v1/programs/${encodeURIComponent(p.code)}/parameter-changes` + query({status: "proposed"}))));
    const items = pages.flatMap((page) => page.items);
    if (!items.length) {
      box.replaceChildren(el("p", {id: "no-changes"}, t("none")));
      return;
    }
    const olds = await Promise.all(items.map((c) => oldValues(c.program, c.region, c.effective_from)));
    box.replaceChildren(table(null, [col("program"), col("region"), col("effective_from"), col("values"), col("document_no"),
      col("reason"), col("proposed_by"), col("status")], items.map((c, i) => {
      const confirmButton = el("button", {type: "button", class: "confirm"}, t("confirm"));
      const rejectButton = el("button", {type: "button", class: "reject"}, t("reject"));
      confirmButton.addEventListener("click", act(confirmButton, () => [t("confirm_change"), [changeFacts(c), diffTable(c.values, olds[i])]], async (key) => {
        await api(`/v1/programs/${c.program}/parameter-changes/${c.change_id}/confirm`, {method: "POST", body: {}, key});
        notify(t("change_confirmed"), "ok");
        await drawChanges(box);
      }));
      let reason = null;
      rejectButton.addEventListener("click", act(rejectButton, () => {
        reason = el("input", {id: "reject-reason", required: true, maxlength: "200"});
        return [t("reject_change"), [changeFacts(c), field("reason", reason)]];
      }, async (key) => {
        if (!reason.value.trim()) return;
        await api(`/v1/programs/${c.program}/parameter-changes/${c.change_id}/reject`, {method: "POST", body: {reason: reason.value.trim()}, key});
        notify(t("change_rejected"), "ok");
        await drawChanges(box);
      }));
      return el("tr", {"data-change": c.change_id},
        el("td", {}, named(programName(c.program), c.program)), el("td", {}, regionCell(c.region)), el("td", {}, c.effective_from),
        el("td", {}, diffTable(c.values, olds[i])),
        el("td", {}, c.document_no), el("td", {}, c.reason), el("td", {}, actorCell(c.proposed_by)),
        el("td", {class: "actions"}, c.proposed_by === me.user_id ? statusName(c.status) : [confirmButton, " ", rejectButton]));
    }), {id: "changes-table"}));
  }

  // One typed field per parameter, from its value in force and its bounds: money in 元,
  // whole numbers, decimals, dates; only the values changed are proposed.
  function parameterField(name, value, bound) {
    const b = bound || {};
    const has = (x) => x !== undefined && x !== null;
    let input;
    let read;
    let unit = "";
    if (typeof value === "boolean") {
      input = el("input", {type: "checkbox", checked: value});
      read = () => input.checked;
    } else if (Number.isInteger(value)) {
      input = el("input", {type: "number", step: "1", min: has(b.min) ? String(b.min) : null, max: has(b.max) ? String(b.max) : null, value: String(value)});
      read = () => (input.value === "" ? value : Number(input.value));
      if (/_days$/.test(name)) unit = "天";
      else if (/months/.test(name)) unit = "个月";
    } else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      input = el("input", {type: "date", min: has(b.min) ? b.min : null, max: has(b.max) ? b.max : null, value});
      read = () => input.value || value;
    } else if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) {
      const isMoney = /^-?\d+\.\d{2}$/.test(value) && !/share|rate|ratio/.test(name);
      input = el("input", {inputmode: "decimal", pattern: isMoney ? "\\d{1,12}(\\.\\d{1,2})?" : "\\d+(\\.\\d+)?", value, size: "14"});
      read = () => {
        const v = input.value.trim();
        return isMoney && /^\d+$/.test(v) ? v + ".00" : isMoney && /^\d+\.\d$/.test(v) ? v + "0" : v;
      };
      unit = isMoney ? t("yuan") : "";
    } else {
      input = el("textarea", {rows: "2"}, JSON.stringify(value));
      read = () => JSON.parse(input.value);
    }
    input.id = `param-${name}`;
    input.dataset.param = name;
    const range = [has(b.min) ? `${t("min")} ${b.min}` : null, has(b.max) ? `${t("max")} ${b.max}` : null,
      b.floor && has(b.floor.value) ? `≥ ${b.floor.value}` : null].filter(Boolean).join(" · ");
    const help = [range, unit ? `${t("unit_label")}: ${unit}` : null].filter(Boolean).join(" · ");
    return {node: el("div", {class: "field", "data-parameter": name}, el("label", {for: input.id}, `${name}${unit ? "（" + unit + "）" : ""}`), input,
      el("small", {}, help, b.source ? [" · ", boundSource(b)] : null)), name, old: value, read};
  }

  function proposeForm(after) {
    const program = el("select", {id: "propose-program"}, programs.map((p) => el("option", {value: p.code}, `${programName(p.code)}（${p.code}）`)));
    const region = el("input", {id: "propose-region", required: true, pattern: "\\d{6}", value: me.regions[0] === "000000" ? "210000" : me.regions[0]});
    const from = el("input", {id: "propose-from", type: "date", required: true, value: today()});
    const valuesBox = el("div", {id: "propose-values", class: "grid-form"});
    let fields = [];
    const drawFields = guard(async () => {
      const seq = ticket(valuesBox);
      if (!/^\d{6}$/.test(region.value) || !from.value) return;
      const p = await api(`/v1/programs/${encodeURIComponent(program.value)}` + query({region: region.value, on: from.value}));
      if (stale(valuesBox, seq)) return;
      fields = Object.entries(p.parameters).map(([k, v]) => parameterField(k, v, (p.bounds || {})[k]));
      valuesBox.replaceChildren(...fields.map((f) => f.node));
    });
    for (const input of [program, region, from]) input.addEventListener("change", drawFields);
    const doc = el("input", {id: "propose-doc", required: true, maxlength: "200"});
    const reason = el("input", {id: "propose-reason", required: true, maxlength: "200"});
    const retro = el("input", {id: "propose-retro", type: "checkbox"});
    const submit = el("button", {type: "submit"}, t("submit"));
    let body = null;
    const form = el("form", {id: "propose-form", class: "grid-form"}, field("program", program), field("region", region),
      field("effective_from", from), field("document_no", doc), field("reason", reason), field("retroactive", retro),
      el("fieldset", {class: "values"}, el("legend", {}, t("values")), valuesBox), submit);
    form.addEventListener("submit", act(submit, async () => {
      const values = {};
      for (const f of fields) {
        let v;
        try {
          v = f.read();
        } catch (err) {
          throw Object.assign(new Error(`${f.name}: ${err.message}`), {code: "validation_error", field: "values"});
        }
        if (JSON.stringify(v) !== JSON.stringify(f.old)) values[f.name] = v;
      }
      if (!Object.keys(values).length) throw Object.assign(new Error("no value was changed"), {code: "validation_error", field: "values"});
      body = {region: region.value, effective_from: from.value, values, document_no: doc.value, reason: reason.value};
      if (retro.checked) body.retroactive = true;
      const old = await oldValues(program.value, region.value, from.value);
      return [t("propose_confirm"), [changeFacts({...body, program: program.value, proposed_by: me.user_id}), diffTable(values, old)]];
    }, async (key) => {
      const r = await api(`/v1/programs/${program.value}/parameters`, {method: "PUT", body, key});
      notify(`${t("change_proposed")}: ${r.change_id}`, "ok");
      await after();
    }));
    drawFields();
    return section("propose", form);
  }

  // ---- claims ----------------------------------------------------------------------------
  const CLAIM_STATUSES = ["submitted", "approved", "prepaid", "paid", "closed", "rejected", "withdrawn"];
  // `sort`: the order GET /v1/claims?sort= has for the column (the browsed list sorts on the server).
  const CLAIM_COLUMNS = [
    {key: "claim", get: (c) => c.claim_id}, {key: "program", get: (c) => programName(c.program)},
    {key: "region", get: (c) => regionName(c.region)}, {key: "applicant", get: (c) => c.applicant.name},
    {key: "application_date", get: (c) => c.application_date}, {key: "status", get: (c) => statusName(c.status)},
    {key: "submitted_at", sort: "submitted", get: (c) => c.submitted_at}, {key: "updated_at", sort: "updated", get: (c) => c.updated_at},
    {key: "entitled", num: 1, sort: "entitled", get: (c) => c.amounts.entitled},
    {key: "approved", num: 1, get: (c) => c.amounts.approved}, {key: "paid", num: 1, get: (c) => c.amounts.paid},
  ];

  function claimRow(c, results) {
    return el("tr", {"data-claim": c.claim_id},
      el("td", {}, el("button", {type: "button", class: "link", title: c.claim_id, on: {click: guard(() => showClaim(c.claim_id, results))}},
        c.claim_id.slice(0, 8))),
      el("td", {}, named(programName(c.program), c.program)), el("td", {class: "nowrap"}, regionCell(c.region)),
      el("td", {}, `${c.applicant.name} `, el("small", {class: "code"}, c.applicant.id)), el("td", {class: "nowrap"}, c.application_date),
      el("td", {class: "nowrap"}, statusName(c.status)), el("td", {class: "nowrap"}, timeCell(c.submitted_at)),
      el("td", {class: "nowrap"}, timeCell(c.updated_at)), moneyCell(c.amounts.entitled), moneyCell(c.amounts.approved),
      moneyCell(c.amounts.paid));
  }

  // `server`: {sort, onSort} where the list is a page of one the server sorts (`sort`, e.g.
  // "-entitled"): only the columns it sorts by are buttons, and a click asks it for another
  // order; otherwise every column sorts the rows on screen.
  function claimsTable(items, results, attrs, server) {
    const body = el("tbody", {}, items.map((c) => claimRow(c, results)));
    let sortKey = null;
    let asc = true;
    const sortBy = (column) => {
      asc = sortKey === column.key ? !asc : true;
      sortKey = column.key;
      const sorted = [...items].sort((a, b) => {
        const x = column.get(a);
        const y = column.get(b);
        const cmp = column.num ? (toFen(x) < toFen(y) ? -1 : toFen(x) > toFen(y) ? 1 : 0) : String(x).localeCompare(String(y), "zh-CN");
        return asc ? cmp : -cmp;
      });
      body.replaceChildren(...sorted.map((c) => claimRow(c, results)));
      for (const th of head.querySelectorAll("th")) th.setAttribute("aria-sort", th.dataset.key === sortKey ? (asc ? "ascending" : "descending") : "none");
    };
    const serverSort = (column) => {
      const current = server.sort.replace(/^-/, "");
      const order = current !== column.sort ? "none" : server.sort.startsWith("-") ? "descending" : "ascending";
      // A new column sorts ascending first; the column sorted by turns the other way.
      const next = order === "ascending" ? "-" + column.sort : column.sort;
      return el("th", {scope: "col", class: column.num ? "num" : null, "data-key": column.key, "data-sort": column.sort, "aria-sort": order},
        el("button", {type: "button", class: "sort", on: {click: () => server.onSort(next)}}, t(column.key)));
    };
    const head = el("tr", {}, CLAIM_COLUMNS.map((column) => server && !column.sort
      ? el("th", {scope: "col", class: column.num ? "num" : null, "data-key": column.key}, t(column.key))
      : server ? serverSort(column)
        : el("th", {scope: "col", class: column.num ? "num" : null, "data-key": column.key, "aria-sort": "none"},
          el("button", {type: "button", class: "sort", on: {click: () => sortBy(column)}}, t(column.key)))));
    const foot = items.length ? [el("tr", {class: "total"}, el("th", {scope: "row", colspan: "8"}, `${t("total")}（${items.length} ${t("rows")}）`),
      moneyCell(sumMoney(items.map((c) => c.amounts.entitled))), moneyCell(sumMoney(items.map((c) => c.amounts.approved))),
      moneyCell(sumMoney(items.map((c) => c.amounts.paid))))] : [];
    const hint = server ? t("sort_hint_server").replace("{cols}", CLAIM_COLUMNS.filter((c) => c.sort)
      .map((c) => lang === "zh" ? `“${t(c.key)}”` : `"${t(c.key)}"`).join(lang === "zh" ? "、" : ", "))
      : t("sort_hint");
    return el("div", {class: "scroll"}, el("table", attrs || {}, el("caption", {}, `${t("results")} · ${hint}`),
      el("thead", {}, head), body, foot.length ? el("tfoot", {}, foot) : null));
  }

  async function renderClaims(main) {
    const mode = el("select", {id: "lookup-mode"}, el("option", {value: "claim"}, t("by_claim")), el("option", {value: "applicant"}, t("by_applicant")),
      el("option", {value: "beneficiary"}, t("by_beneficiary")), has(ROLES.funds) ? el("option", {value: "payment_ref"}, t("by_payment_ref")) : null);
    const input = el("input", {id: "lookup-value", required: true, autocomplete: "off", spellcheck: "false", maxlength: "64"});
    const dateInput = el("input", {type: "date", id: "claim-asof", value: state.basis === "recorded" ? state.asOf : ""});
    const results = el("div", {id: "claim-results"});
    const form = el("form", {id: "lookup-form", class: "toolbar"}, field("lookup", mode), field("query", input, t("lookup_help")),
      field("as_of", dateInput, t("basis_recorded_help")), el("button", {type: "submit"}, t("query")));
    main.append(section("lookup", form));
    form.addEventListener("submit", guard(async () => {
      const raw = input.value.trim();
      const value = ["applicant", "beneficiary"].includes(mode.value) ? raw.toUpperCase() : raw;
      input.value = "";
      state.asOf = dateInput.value;
      if (dateInput.value) state.basis = "recorded";
      if (mode.value === "claim" && UUID_RE.test(value)) return showClaim(value, results);
      let items;
      if (mode.value === "claim") items = (await allPages("/v1/claims", {})).filter((c) => c.claim_id.startsWith(value.toLowerCase()));
      else if (mode.value === "payment_ref") items = await claimsByPaymentRef(value);
      else if (mode.value === "beneficiary") items = await allPagesWith("/v1/claims", {}, {"X-Beneficiary-Id": value});
      else items = await allPagesWith("/v1/claims", {}, {"X-Applicant-Id": value});
      if (items.length === 1 && !["applicant", "beneficiary"].includes(mode.value)) return showClaim(items[0].claim_id, results);
      if (!items.length) {
        results.replaceChildren(el("p", {}, t("no_claims")));
        return;
      }
      results.replaceChildren(claimsTable(items, results, {id: "claims-table"}));
    }));
    // The claim shown sits under the look-up, above the list it may have been picked from.
    main.append(results, browseClaims(results));
  }

  // Claims by status, program, region and submission date, filtered and sorted by the server,
  // a page at a time; the whole filtered list exports as CSV or XLSX in the same order.
  function browseClaims(results) {
    const status = el("select", {id: "browse-status"}, el("option", {value: ""}, t("all")), CLAIM_STATUSES.map((s) => el("option", {value: s}, statusName(s))));
    const program = el("select", {id: "browse-program"}, el("option", {value: ""}, t("all")),
      (programs || []).map((p) => el("option", {value: p.code}, `${programName(p.code)}（${p.code}）`)));
    const served = [...regions.values()].filter((r) => me.regions.includes("000000") || me.regions.some((m) => r.code === m || r.parent === m ||
      (regions.get(r.parent) || {}).parent === m));
    const region = el("select", {id: "browse-region"}, el("option", {value: ""}, t("all")),
      served.filter((r) => r.code !== "000000").map((r) => el("option", {value: r.code}, `${r.level === "county" ? "　" : ""}${r.name_zh}（${r.code}）`)));
    const from = el("input", {type: "date", id: "browse-from"});
    const to = el("input", {type: "date", id: "browse-to"});
    const limit = el("select", {id: "browse-limit"}, ["20", "50", "100"].map((n) => el("option", {value: n, selected: n === "50"}, n)));
    const list = el("div", {id: "browse-results"});
    const cursors = [null];
    let pageNo = 0;
    let sort = "submitted";
    const params = () => ({status: status.value, program: program.value, region: region.value,
      submitted_from: from.value, submitted_to: to.value, sort});
    const load = async () => {
      const page = await api("/v1/claims" + query({...params(), limit: limit.value, cursor: cursors[pageNo]}));
      cursors[pageNo + 1] = page.next_cursor;
      const prev = el("button", {type: "button", id: "browse-prev", disabled: pageNo === 0, on: {click: guard(async () => { pageNo -= 1; await load(); })}}, t("prev_page"));
      const next = el("button", {type: "button", id: "browse-next", disabled: !page.next_cursor, on: {click: guard(async () => { pageNo += 1; await load(); })}}, t("next_page"));
      // Another order starts again at its first page: a cursor pages on in its own order only.
      const onSort = guard(async (order) => { sort = order; cursors.length = 1; pageNo = 0; await load(); });
      list.replaceChildren(page.items.length ? claimsTable(page.items, results, {id: "browse-table"}, {sort, onSort}) : el("p", {}, t("no_claims")),
        el("p", {class: "pager"}, prev, " ", el("span", {id: "browse-page"}, t("page_n").replace("{n}", pageNo + 1)), " ", next));
    };
    // The whole filtered list, as the server writes it (names, 合计, print set-up).
    const exportAs = (id, label, accept, name) => {
      const button = el("button", {type: "button", id}, label);
      button.addEventListener("click", guard(async () => {
        button.disabled = true;
        button.classList.add("busy");
        try {
          await download("/v1/claims" + query(params()), accept, name);
        } finally {
          button.disabled = false;
          button.classList.remove("busy");
        }
      }));
      return button;
    };
    const exportButton = exportAs("browse-export", t("export_csv"), "text/csv", "claims.csv");
    const exportXlsx = exportAs("browse-export-xlsx", t("export_xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "claims.xlsx");
    const form = el("form", {id: "browse-form", class: "toolbar", on: {submit: guard(async () => { cursors.length = 1; pageNo = 0; await load(); })}},
      field("status", status), field("program", program), field("region", region), field("submitted_from", from), field("submitted_to", to),
      field("limit", limit), el("button", {type: "submit"}, t("query")), exportButton, exportXlsx);
    queueMicrotask(guard(load));
    return section("browse", form, list);
  }

  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  // A payment reference (or its beginning) as the bank statement shows it: the claims whose
  // payments, returns or recoveries carry it, from the movements of the funds one may read.
  async function claimsByPaymentRef(ref) {
    const wanted = ref.trim().toUpperCase();
    const funds = await allPages("/v1/funds", {});
    const ids = new Set();
    for (const f of funds) {
      for (const m of await allPages(`/v1/funds/${encodeURIComponent(f.fund_id)}/movements`, {})) {
        const refs = [m.payment_ref, m.reference].filter(Boolean).map((x) => String(x).toUpperCase());
        if (m.claim_id && refs.some((x) => x.startsWith(wanted))) ids.add(m.claim_id);
      }
    }
    return Promise.all([...ids].map((id) => api(`/v1/claims/${encodeURIComponent(id)}`)));
  }

  async function allPagesWith(path, params, headers) {
    const items = [];
    let cursor = null;
    do {
      const page = await api(path + query({...params, limit: 1000, cursor}), {headers});
      items.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return items;
  }

  // What an event did, in words, with its amounts (the events carry fen: amount_fen and the like).
  function describe(e) {
    const d = e.data || {};
    const parts = [];
    const put = (label, value) => { if (value !== undefined && value !== null && value !== "") parts.push(`${label}: ${value}`); };
    if (d.program) put(t("program"), programName(d.program));
    if (d.region) put(t("region"), regionName(d.region));
    if (d.applicant && typeof d.applicant === "object") put(t("applicant"), d.applicant.name);
    if (d.beneficiary && typeof d.beneficiary === "object") put(t("beneficiary"), `${d.beneficiary.name || ""} ${d.beneficiary.id || ""}`.trim());
    if (d.application_date) put(t("application_date"), d.application_date);
    if (d.entitled_fen !== undefined) put(t("entitled"), fenMoney(d.entitled_fen));
    for (const [k, label] of [["amount_fen", "amount"], ["released_fen", "released"]]) if (d[k] !== undefined) put(t(label), fenMoney(d[k]));
    if (d.amount !== undefined && typeof d.amount !== "object") put(t("amount"), money(d.amount));
    if (d.fund_code || d.fund_id) put(t("fund"), fundName(d.fund_code || d.fund_id));
    if (d.to_fund) put(t("transfers_out"), fundName(d.to_fund));
    if (d.from_fund) put(t("transfers_in"), fundName(d.from_fund));
    if (d.source && typeof d.source === "string") put(t("source"), codeName(d.source));
    if (d.kind && typeof d.kind === "string") put(t("kind"), codeName(d.kind));
    for (const k of ["payment_ref", "document_no", "approved_on", "paid_on", "returned_on", "received_on", "effective_date", "reference", "reason"]) {
      if (typeof d[k] === "string" || typeof d[k] === "number") put(t(k), d[k]);
    }
    if (d.claim_id) put(t("claim"), String(d.claim_id).slice(0, 8));
    if (d.name && typeof d.name === "string") put(t("name"), d.name);
    if (Array.isArray(d.roles)) put(t("roles"), d.roles.map(roleName).join("、"));
    if (d.backdate && typeof d.backdate === "object" && d.backdate.reason) put(t("backdated"), d.backdate.reason);
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
    const asOf = recordedAsOf();
    const [c, events] = await Promise.all([api(`/v1/claims/${encodeURIComponent(claimId)}` + query({as_of: asOf})),
      api(`/v1/claims/${encodeURIComponent(claimId)}/events`)]);
    const visible = asOf ? events.items.filter((e) => e.version <= c.version) : events.items;
    const amountKeys = ["entitled", "approved", "reserved", "paid", "prepaid", "returned", "clawback_demanded", "recovered", "clawback_outstanding"];
    const parts = [
      section("claim", dl([["claim", c.claim_id], ["program", named(programName(c.program), c.program)], ["region", regionCell(c.region)], ["status", statusName(c.status)],
        ["applicant", `${c.applicant.name} ${c.applicant.id}`], ["beneficiary", c.beneficiary ? `${c.beneficiary.name} ${c.beneficiary.id}` : "—"],
        ["application_date", c.application_date], ["fund", c.fund_id ? fundCell(c.fund_id) : "—"], ["rule_version", c.rule_version || "—"], ["version", c.version]]),
        el("h3", {}, t("explanation")), explanation(c.entitlement_explanation)),
      section("amounts", table(`${t("amounts")} (${t("yuan")})`, [col("type"), col("amount", 1)],
        amountKeys.map((k) => el("tr", {"data-amount": k}, el("th", {scope: "row"}, t(k)), moneyCell(c.amounts[k]))), {id: "claim-amounts"})),
    ];
    if (c.payments.length) parts.push(section("payments", table(null, [col("payment_ref"), col("kind"), col("amount", 1), col("paid_on"), col("returned")],
      c.payments.map((p) => el("tr", {}, el("td", {}, p.payment_ref), el("td", {}, named(codeName(p.kind), p.kind)), moneyCell(p.amount), el("td", {}, p.paid_on), el("td", {}, p.returned ? t("yes") : t("no")))),
      {id: "claim-payments"}, [el("tr", {class: "total"}, el("th", {scope: "row", colspan: "2"}, t("total")), moneyCell(sumMoney(c.payments.map((p) => p.amount))), el("td", {colspan: "2"}))])));
    if (c.clawbacks.length) parts.push(section("clawbacks", table(null, [col("claim"), col("amount", 1), col("reason"), col("confirmed")],
      c.clawbacks.map((k) => el("tr", {}, el("td", {}, k.clawback_id), moneyCell(k.amount), el("td", {}, k.reason), el("td", {}, k.confirmed ? t("yes") : t("no")))),
      {id: "claim-clawbacks"}, [el("tr", {class: "total"}, el("th", {scope: "row"}, t("total")), moneyCell(sumMoney(c.clawbacks.map((k) => k.amount))), el("td", {colspan: "2"}))])));
    if (c.publicity) parts.push(section("publicity", dl([["starts_on", c.publicity.starts_on], ["ends_on", c.publicity.ends_on]]),
      table(t("objections"), [col("reason"), col("status")], (c.publicity.objections || []).map((o) => el("tr", {}, el("td", {}, o.reason || ""), el("td", {}, o.outcome || o.status || ""))))));
    parts.push(section("timeline", el("ol", {class: "timeline", id: "timeline"}, visible.map((e) => el("li", {},
      el("strong", {title: e.type}, codeName(e.type)), " · ", timeCell(e.recorded_at), ` (${t("beijing")}) · ${t("actor")}: `, actorCell(e.actor), ` · v${e.version}`,
      el("div", {class: "what"}, describe(e)))))));
    box.replaceChildren(...parts);
    box.scrollIntoView({block: "start"});
  }

  // ---- reconciliation and close -------------------------------------------------------------
  async function renderRecon(main) {
    const funds = await allPages("/v1/funds", {});
    const fund = el("select", {id: "recon-fund"}, funds.map((f) => el("option", {value: f.fund_id}, `${fundName(f.fund_id)}（${f.fund_id}）`)));
    // The fund last looked at, else the first that has paid anything (what a bank statement shows).
    const paying = funds.find((f) => toFen(f.balance.disbursed) > 0n);
    if (state.fund && funds.some((f) => f.fund_id === state.fund)) fund.value = state.fund;
    else if (paying) fund.value = paying.fund_id;
    const month = el("input", {type: "month", id: "recon-month", value: today().slice(0, 7), required: true});
    const box = el("div", {id: "recon"});
    // What is on screen: the close acts on this, never on a month typed but not applied.
    const shown = {fund: null, month: null};
    const periodsBox = el("div", {id: "periods"});
    const draw = async () => {
      const wanted = {fund: fund.value, month: month.value};
      const seq = ticket(periodsBox);
      await drawRecon(wanted.fund, wanted.month, box);
      if (stale(periodsBox, seq)) return;  // a later choice is being drawn
      shown.fund = wanted.fund;
      shown.month = wanted.month;
      state.fund = wanted.fund;
      if (closeTarget) closeTarget.replaceChildren(named(fundName(shown.fund), shown.fund), ` · ${shown.month}`);
      await drawPeriods(shown.fund, periodsBox);
    };
    let closeTarget = null;
    fund.addEventListener("change", guard(draw));
    main.append(section("recon", el("form", {class: "toolbar", on: {submit: guard(draw)}},
      field("fund", fund), field("month", month, t("latest_data")), el("button", {type: "submit"}, t("apply")),
      el("button", {type: "button", on: {click: () => window.print()}}, t("print"))), box));
    if (has(["treasurer"])) {
      const file = el("input", {type: "file", id: "statement-file", accept: ".csv,text/csv", required: true});
      const encoding = el("select", {id: "statement-encoding"}, [["auto", t("enc_auto")], ["utf-8", "UTF-8"], ["gb18030", "GBK / GB18030"]]
        .map(([v, label]) => el("option", {value: v}, label)));
      const skip = el("input", {type: "number", id: "statement-skip", min: "0", max: "100", placeholder: "0"});
      const columns = el("input", {id: "statement-columns", placeholder: "date:交易日期,amount:金额,direction:借贷标志,reference:摘要"});
      const debit = el("input", {id: "statement-debit", placeholder: "借"});
      const credit = el("input", {id: "statement-credit", placeholder: "贷"});
      const result = el("div", {id: "statement-result"});
      const submit = el("button", {type: "submit"}, t("submit"));
      let bytes = null;
      let charset = "utf-8";
      const form = el("form", {id: "statement-form", class: "grid-form"}, field("file", file), field("encoding", encoding),
        field("skip_lines", skip), field("columns", columns), field("debit", debit), field("credit", credit), submit);
      form.addEventListener("submit", act(submit, async () => {
        bytes = await file.files[0].arrayBuffer();
        charset = encoding.value;
        if (charset === "auto") {
          // A Chinese bank's export is GBK more often than not: what is not valid UTF-8 is read as GB18030.
          try {
            new TextDecoder("utf-8", {fatal: true}).decode(bytes);
            charset = "utf-8";
          } catch (err) {
            charset = "gb18030";
          }
        }
        const text = new TextDecoder(charset).decode(bytes);
        const lines = text.split(/\r?\n/).filter((l) => l.trim());
        return [t("upload_confirm"), dl([["fund", named(fundName(fund.value), fund.value)], ["file", file.files[0].name],
          ["encoding", charset.toUpperCase()], ["statement_lines", String(lines.length)],
          ["data", el("pre", {class: "preview"}, lines.slice(0, 4).join("\n"))]])];
      }, async (key) => {
        const params = {fund_id: fund.value, columns: columns.value, debit: debit.value, credit: credit.value, skip_lines: skip.value};
        const r = await api("/v1/bank-statements" + query(params), {method: "POST", body: bytes, key,
          headers: {"Content-Type": `text/csv; charset=${charset}`}});
        notify(`${t("uploaded")}: ${r.statement_id}`, "ok");
        result.replaceChildren(dl(Object.entries(r.summary).map(([k, v]) => [codeName(k) === k ? t(k) : codeName(k), String(v)])));
        await draw();
      }));
      main.append(section("upload", form, result));
      const override = el("input", {id: "close-override", maxlength: "200"});
      const closeBox = el("div", {id: "close-result"});
      closeTarget = el("strong", {id: "close-target"}, "—");
      const closeButton = el("button", {type: "submit", id: "close-button"}, t("close_month"));
      const closeForm = el("form", {id: "close-form", class: "grid-form"}, el("p", {}, `${t("close_on_screen")}${lang === "zh" ? "：" : ": "}`, closeTarget),
        field("override_reason", override), closeButton);
      let target = null;
      closeForm.addEventListener("submit", act(closeButton, () => {
        target = {...shown};
        const counts = ["matched", "unmatched_in_ledger", "unmatched_in_bank"].map((k) => [k, ($(`#recon-counts [data-count=${k}]`) || {}).textContent || "—"]);
        return [t("close_confirm"), dl([["fund", named(fundName(target.fund), target.fund)], ["month", target.month], ...counts,
          ["override_reason", override.value.trim() || "—"]])];
      }, async (key) => {
        const body = override.value.trim() ? {override_reason: override.value.trim()} : {};
        const r = await api(`/v1/periods/${encodeURIComponent(target.fund)}/${target.month}/close`, {method: "POST", body, key});
        notify(`${t("closed")}: ${fundName(r.fund_id)} ${r.month}`, "ok");
        closeBox.replaceChildren(dl([["fund", fundCell(r.fund_id)], ["month", r.month], ["closed", r.closed ? t("yes") : t("no")],
          ["override_reason", r.override_reason || "—"], ["closed_months", r.closed_months.join("、")]]));
        await drawPeriods(target.fund, periodsBox);
      }));
      main.append(section("close", closeForm, closeBox));
    }
    main.append(section("periods", periodsBox));
    if (funds.length) {
      // The latest month with what a bank statement reconciles: payments, returns, recoveries.
      month.value = await latestMonth(fund.value, null, ["disbursed", "payment_returned", "recovered"]);
      await draw();
    }
  }

  // The fund's months with a state (GET /v1/periods): closed ones, who closed them and when,
  // and reopen requests.
  async function drawPeriods(fundId, box) {
    const r = await api("/v1/periods" + query({fund_id: fundId}));
    const items = r.items || [];
    if (!items.length) {
      box.replaceChildren(el("p", {id: "no-periods"}, `${fundName(fundId)} · ${t("no_periods")}`));
      return;
    }
    const redraw = () => drawPeriods(fundId, box);
    // A closed month reopens on two people: a treasurer asks (reason, document), another
    // treasurer or an admin confirms.
    const requests = (p) => (p.reopen_requests || []).map((q) => {
      const facts = dl([["fund", fundName(fundId)], ["month", p.month], ["proposed_by", actorName(q.proposed_by)],
        ["reason", q.reason], ["document_no", q.document_no]]);
      const yes = el("button", {type: "button", class: "confirm-reopen"}, t("confirm"));
      yes.addEventListener("click", act(yes, () => [t("reopen_confirm"), facts], async (key) => {
        await api(`/v1/periods/${encodeURIComponent(fundId)}/${p.month}/reopen/${q.change_id}/confirm`, {method: "POST", body: {}, key});
        notify(`${t("reopened")}: ${fundName(fundId)} ${p.month}`, "ok");
        await redraw();
      }));
      const mayConfirm = q.proposed_by !== me.user_id && has(["treasurer", "admin"]);
      return el("div", {class: "reopen-request", "data-change": q.change_id},
        `${actorName(q.proposed_by)} · ${q.reason} · ${q.document_no} · `, timeCell(q.proposed_at), mayConfirm ? [" ", yes] : null);
    });
    const ask = (p) => {
      if (p.state !== "closed" || (p.reopen_requests || []).length || !has(["treasurer"])) return null;
      const button = el("button", {type: "button", class: "ask-reopen"}, t("ask_reopen"));
      let form = null;
      button.addEventListener("click", act(button, () => {
        form = {reason: el("input", {id: "reopen-reason", required: true, maxlength: "200"}),
                doc: el("input", {id: "reopen-doc", required: true, maxlength: "200"})};
        return [t("ask_reopen_confirm"), [dl([["fund", fundName(fundId)], ["month", p.month]]), field("reason", form.reason), field("document_no", form.doc)]];
      }, async (key) => {
        if (!form.reason.value.trim() || !form.doc.value.trim()) return;
        await api(`/v1/periods/${encodeURIComponent(fundId)}/${p.month}/reopen`, {method: "POST", key,
          body: {reason: form.reason.value.trim(), document_no: form.doc.value.trim()}});
        notify(t("reopen_asked"), "ok");
        await redraw();
      }));
      return button;
    };
    box.replaceChildren(table(fundName(fundId), [col("month"), col("state"), col("closed_by"), col("closed_at"), col("override_reason"), col("reopen_requests")],
      items.map((p) => el("tr", {"data-month": p.month}, el("th", {scope: "row"}, p.month), el("td", {}, p.state === "closed" ? t("closed") : t("open")),
        el("td", {}, actorCell(p.closed_by)), el("td", {}, p.closed_at ? timeCell(p.closed_at) : "—"), el("td", {}, p.override_reason || "—"),
        el("td", {}, requests(p), ask(p)))), {id: "periods-table"}));
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
    const itemRow = (i) => el("tr", {}, el("td", {}, named(codeName(i.kind), i.kind)), el("td", {}, i.claim_id ? el("span", {title: i.claim_id}, i.claim_id.slice(0, 8)) : ""),
      el("td", {}, i.reference), el("td", {}, i.date), moneyCell(i.amount));
    const lineRow = (l) => el("tr", {}, el("td", {}, named(codeName(l.direction), l.direction)), el("td", {}, l.reference || ""), el("td", {}, l.date),
      el("td", {}, named(codeName(l.status), l.status)), moneyCell(l.amount));
    const foot = (items, get) => (items.length ? [el("tr", {class: "total"}, el("th", {scope: "row", colspan: "4"}, `${t("total")}（${items.length}）`),
      moneyCell(sumMoney(items.map(get))))] : null);
    box.replaceChildren(
      el("p", {id: "recon-counts"}, named(fundName(r.fund_id), r.fund_id), ` · ${r.from} — ${r.to} · ${t("matched")}: `, el("strong", {"data-count": "matched"}, r.matched.length),
        ` · ${t("unmatched_in_ledger")}: `, el("strong", {"data-count": "unmatched_in_ledger"}, r.unmatched_in_ledger.length),
        ` · ${t("unmatched_in_bank")}: `, el("strong", {"data-count": "unmatched_in_bank"}, r.unmatched_in_bank.length)),
      table(`${t("matched")} (${t("yuan")})`, [col("how"), col("reference"), col("date"), col("claim"), col("amount", 1)],
        r.matched.map((m) => el("tr", {}, el("td", {}, named(codeName(m.how), m.how)), el("td", {}, m.line.reference || ""), el("td", {}, m.line.date),
          el("td", {}, m.item.claim_id ? el("span", {title: m.item.claim_id}, m.item.claim_id.slice(0, 8)) : ""), moneyCell(m.line.amount))),
        {id: "recon-matched"}, foot(r.matched, (m) => m.line.amount)),
      table(`${t("unmatched_in_ledger")} (${t("yuan")})`, [col("kind"), col("claim"), col("reference"), col("date"), col("amount", 1)],
        r.unmatched_in_ledger.map(itemRow), {id: "recon-ledger"}, foot(r.unmatched_in_ledger, (i) => i.amount)),
      table(`${t("unmatched_in_bank")} (${t("yuan")})`, [col("direction"), col("reference"), col("date"), col("status"), col("amount", 1)],
        r.unmatched_in_bank.map(lineRow), {id: "recon-bank"}, foot(r.unmatched_in_bank, (l) => l.amount)));
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
      main.append(section("seal", dl([["position", String(seal.position)], ["hash", el("code", {}, seal.hash)], ["sealed_at", timeCell(seal.sealed_at)],
        ["public_key", el("code", {}, seal.public_key)],
        ["seal_check", el("span", {id: "seal-check", class: check && check.ok ? "ok" : "bad"}, check ? (check.ok ? t("ok") : `${t("failed")}: ${check.problem || ""}`) : "—")]])));
    } else {
      main.append(section("seal", el("p", {id: "seal-check"}, t("no_seal"))));
    }
    main.append(section("export", el("button", {type: "button", id: "export-log", on: {click: guard(() => download("/v1/audit/events", "application/x-ndjson", "audit-events.ndjson"))}}, t("export"))));
    // Filters run on the server (type, originator_id, fund_id); the pages follow next_cursor.
    const after = el("input", {type: "number", id: "ev-after", min: "0", value: "0"});
    const limit = el("select", {id: "ev-limit"}, ["50", "100", "500"].map((n) => el("option", {value: n, selected: n === "100"}, n)));
    const types = [...new Set(Object.keys(CODE_NAMES).filter((k) => /^[A-Z]/.test(k)))].sort();
    const typeFilter = el("select", {id: "ev-type"}, el("option", {value: ""}, t("all")),
      types.map((k) => el("option", {value: k}, lang === "zh" ? `${CODE_NAMES[k]}（${k}）` : k)));
    const funds = await allPages("/v1/funds", {}).catch(() => []);
    const fundFilter = el("select", {id: "ev-fund"}, el("option", {value: ""}, t("all")),
      funds.map((f) => el("option", {value: f.fund_id}, `${fundName(f.fund_id)}（${f.fund_id}）`)));
    const originator = el("input", {id: "ev-originator", pattern: "[0-9a-f-]{36}", size: "38", spellcheck: "false"});
    const box = el("div", {id: "events"});
    const cursors = [null];
    let pageNo = 0;
    const draw = async () => {
      const params = {after_position: cursors[pageNo] || after.value || 0, limit: limit.value, type: typeFilter.value,
        fund_id: fundFilter.value, originator_id: originator.value.trim()};
      const page = await api("/v1/audit/events" + query(params));
      cursors[pageNo + 1] = page.next_cursor;
      const prev = el("button", {type: "button", id: "ev-prev", disabled: pageNo === 0, on: {click: guard(async () => { pageNo -= 1; await draw(); })}}, t("prev_page"));
      const next = el("button", {type: "button", id: "ev-next", disabled: !page.next_cursor, on: {click: guard(async () => { pageNo += 1; await draw(); })}}, t("next_page"));
      const follow = (id) => el("button", {type: "button", class: "link", title: id, on: {click: guard(async () => {
        // Following one aggregate: all of its events, whatever the other filters were.
        originator.value = id; typeFilter.value = ""; fundFilter.value = ""; after.value = "0";
        cursors.length = 1; pageNo = 0; await draw(); })}}, id.slice(0, 8));
      box.replaceChildren(table(`${t("events")} · ${t("beijing")}`, [col("position"), col("type"), col("recorded_at"), col("actor"), col("originator"), col("amount", 1), col("data"), col("hash")],
        page.items.map((e) => el("tr", {"data-position": e.position, "data-type": e.type}, el("td", {class: "num"}, e.position),
          el("td", {class: "nowrap"}, named(codeName(e.type), e.type)), el("td", {class: "nowrap"}, timeCell(e.recorded_at)),
          el("td", {}, actorCell(e.actor)), el("td", {}, follow(e.originator_id)),
          el("td", {class: "num", "data-money": e.data && e.data.amount_fen !== undefined ? fenText(e.data.amount_fen) : ""},
            e.data && e.data.amount_fen !== undefined ? fenMoney(e.data.amount_fen) : ""),
          el("td", {class: "data"}, describe(e)), el("td", {}, el("code", {title: e.hash}, (e.hash || "").slice(0, 12) + "…")))), {id: "events-table"}),
        el("p", {class: "pager"}, prev, " ", el("span", {id: "ev-page"}, t("page_n").replace("{n}", pageNo + 1)), " ", next));
    };
    const load = guard(async () => { cursors.length = 1; pageNo = 0; await draw(); });
    main.append(section("events", el("form", {class: "toolbar", id: "events-form", on: {submit: load}}, field("event_type", typeFilter), field("fund_filter", fundFilter),
      field("originator", originator), field("after_position", after), field("limit", limit), el("button", {type: "submit"}, t("load")),
      el("small", {}, t("audit_filters_note"))), box));
    await load();
  }

  // ---- people: one's own token, and the admins' two-person user workflow -------------------
  // A token made in this browser (Web Crypto): 32 random bytes, URL-safe base64 as
  // `ledger token new` makes them, and its SHA-256 (hex), which is all an admin needs. The
  // token itself is never sent anywhere until its owner signs in with it.
  async function makeToken() {
    if (!window.crypto || !crypto.subtle) throw Object.assign(new Error("Web Crypto needs https or localhost"), {code: "unavailable"});
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const token = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
    return {token, hash: [...digest].map((b) => b.toString(16).padStart(2, "0")).join("")};
  }
  // The hash read out in groups of eight, as one reads it over the telephone.
  const grouped = (hash) => hash.replace(/(.{8})/g, "$1 ").trim();

  function tokenMaker(onMade) {
    const out = el("div", {id: "token-made", "aria-live": "polite"});
    const button = el("button", {type: "button", id: "make-token", on: {click: guard(async () => {
      const {token, hash} = await makeToken();
      out.replaceChildren(
        el("p", {class: "help"}, t("token_made_help")),
        el("label", {for: "new-token"}, t("my_token")), el("input", {id: "new-token", readonly: true, value: token, spellcheck: "false", size: "48"}),
        el("label", {for: "new-token-hash"}, t("token_hash")), el("code", {id: "new-token-hash", "data-hash": hash}, grouped(hash)));
      if (onMade) await onMade(token, hash);
    })}}, t("make_token"));
    return [button, out];
  }

  async function renderMe(main) {
    main.append(section("my_account", dl([["name", me.name], ["roles", me.roles.map(roleName).join("、")],
      ["regions", me.regions.map(regionName).join("、")], ["user_id", el("code", {}, me.user_id)]])));
    const revoke = el("input", {type: "checkbox", id: "rotate-revoke", checked: true});
    const result = el("div", {id: "rotate-result"});
    const button = el("button", {type: "button", id: "rotate"}, t("rotate_token"));
    button.addEventListener("click", act(button, () => [t("rotate_confirm"), null], async (key) => {
      const {token, hash} = await makeToken();
      await api(`/v1/users/${encodeURIComponent(me.user_id)}/tokens`, {method: "POST", key,
        body: {token_sha256: hash, revoke_others: revoke.checked}});
      // From now on this tab speaks with the new token (the old one may be revoked).
      sessionStorage.setItem("ledger.token", token);
      result.replaceChildren(el("p", {class: "ok"}, t("rotated")), el("label", {for: "rotated-token"}, t("my_token")),
        el("input", {id: "rotated-token", readonly: true, value: token, size: "48", spellcheck: "false"}));
      notify(t("rotated"), "ok");
    }));
    main.append(section("rotate_token", el("p", {class: "help"}, t("rotate_help")), field("revoke_others", revoke), button, result));
  }

  const ALL_ROLES = ["clerk", "reviewer", "treasurer", "auditor", "admin"];
  function rolesPicker(prefix, chosen) {
    return el("fieldset", {class: "roles", id: `${prefix}-roles`}, el("legend", {}, t("roles")),
      ALL_ROLES.map((r) => el("label", {class: "check"}, el("input", {type: "checkbox", value: r, checked: (chosen || []).includes(r)}), " ", roleName(r))));
  }
  const pickedRoles = (box) => [...box.querySelectorAll("input:checked")].map((i) => i.value);
  function regionsPicker(id, chosen) {
    const mine = [...regions.values()].filter((r) => me.regions.includes("000000") || me.regions.some((m) => r.code === m || r.parent === m ||
      (regions.get(r.parent) || {}).parent === m));
    return el("select", {id, multiple: true, size: "6"}, mine.map((r) => el("option", {value: r.code, selected: (chosen || []).includes(r.code)},
      `${r.level === "county" ? "　　" : r.level === "city" ? "　" : ""}${r.name_zh}（${r.code}）`)));
  }
  const pickedRegions = (select) => [...select.selectedOptions].map((o) => o.value);
  const CHANGE_KIND_NAMES = {create: "新增用户", roles: "变更角色与地区", reactivate: "恢复用户", token: "登记令牌", deactivate: "停用"};
  const CHANGE_KINDS = new Proxy(CHANGE_KIND_NAMES, {get: (names, kind) => (lang === "zh" ? names[kind] : kind)});

  async function renderUsers(main) {
    const changesBox = el("div", {id: "user-changes"});
    const usersBox = el("div", {id: "users"});
    const redraw = async () => {
      const [changes, users] = await Promise.all([allPages("/v1/users/changes", {status: "proposed"}), allPages("/v1/users", {})]);
      for (const u of users) userNames.set(u.user_id, u.name);
      changesBox.replaceChildren(changes.length ? table(null, [col("kind"), col("name"), col("roles"), col("regions"), col("token_hash"), col("reason"), col("proposed_by"), col("status")],
        changes.map((c) => {
          const who = c.name || actorName(c.user_id);
          const facts = dl([["kind", CHANGE_KINDS[c.kind] || c.kind], ["name", who], ["roles", (c.roles || []).map(roleName).join("、") || "—"],
            ["regions", (c.new_regions || c.regions || []).map(regionName).join("、")], ["token_hash", c.token_sha256 ? el("code", {}, grouped(c.token_sha256)) : "—"],
            ["proposed_by", actorName(c.proposed_by)]]);
          const ok = el("button", {type: "button", class: "confirm"}, t("confirm"));
          const no = el("button", {type: "button", class: "reject"}, t("reject"));
          ok.addEventListener("click", act(ok, () => [t("user_confirm"), facts], async (key) => {
            await api(`/v1/users/changes/${c.change_id}/confirm`, {method: "POST", body: {}, key});
            notify(t("change_confirmed"), "ok");
            await redraw();
          }));
          let reason = null;
          no.addEventListener("click", act(no, () => {
            reason = el("input", {id: "user-reject-reason", required: true, maxlength: "200"});
            return [t("reject_change"), [facts, field("reason", reason)]];
          }, async (key) => {
            if (!reason.value.trim()) return;
            await api(`/v1/users/changes/${c.change_id}/reject`, {method: "POST", body: {reason: reason.value.trim()}, key});
            notify(t("change_rejected"), "ok");
            await redraw();
          }));
          return el("tr", {"data-change": c.change_id}, el("td", {}, CHANGE_KINDS[c.kind] || c.kind), el("td", {}, who),
            el("td", {}, (c.roles || []).map(roleName).join("、")), el("td", {}, (c.new_regions || c.regions || []).map(regionName).join("、")),
            el("td", {}, c.token_sha256 ? el("code", {}, c.token_sha256.slice(0, 8) + "…") : ""), el("td", {}, c.reason || ""),
            el("td", {}, actorCell(c.proposed_by)),
            el("td", {class: "actions"}, c.proposed_by === me.user_id || c.user_id === me.user_id ? statusName(c.status) : [ok, " ", no]));
        }), {id: "user-changes-table"}) : el("p", {id: "no-user-changes"}, t("none")));
      usersBox.replaceChildren(table(null, [col("name"), col("roles"), col("regions"), col("status"), col("tokens"), col("actions")],
        users.map((u) => {
          const off = el("button", {type: "button", class: "reject"}, t("deactivate"));
          let reason = null;
          off.addEventListener("click", act(off, () => {
            reason = el("input", {id: "deactivate-reason", required: true, maxlength: "200"});
            return [t("deactivate_confirm"), [dl([["name", u.name], ["roles", u.roles.map(roleName).join("、")]]), field("reason", reason)]];
          }, async (key) => {
            if (!reason.value.trim()) return;
            await api(`/v1/users/${u.user_id}/deactivate`, {method: "POST", body: {reason: reason.value.trim()}, key});
            notify(t("saved"), "ok");
            await redraw();
          }));
          // New roles and regions (they replace the old ones): proposed, another admin confirms.
          const change = el("button", {type: "button", class: "change-roles"}, t("change_roles"));
          let picked = null;
          change.addEventListener("click", act(change, () => {
            picked = {roles: rolesPicker("edit-user", u.roles), regions: regionsPicker("edit-user-regions", u.regions),
                      reason: el("input", {id: "edit-user-reason", maxlength: "200"})};
            return [t("change_roles_confirm"), [dl([["name", u.name], ["old_value", `${u.roles.map(roleName).join("、")} · ${u.regions.map(regionName).join("、")}`]]),
              picked.roles, field("regions", picked.regions), field("reason", picked.reason)]];
          }, async (key) => {
            const body = {roles: pickedRoles(picked.roles), regions: pickedRegions(picked.regions)};
            if (picked.reason.value.trim()) body.reason = picked.reason.value.trim();
            const r = await api(`/v1/users/${u.user_id}/roles`, {method: "POST", body, key});
            notify(r.status === "proposed" ? t("user_proposed") : t("saved"), "ok");
            await redraw();
          }));
          // A deactivated user back, with a token of their own (its hash) and a reason.
          const back = el("button", {type: "button", class: "reactivate"}, t("reactivate"));
          let again = null;
          back.addEventListener("click", act(back, () => {
            again = {reason: el("input", {id: "reactivate-reason", required: true, maxlength: "200"}),
                     hash: el("input", {id: "reactivate-hash", pattern: "[0-9a-fA-F ]{64,80}", size: "72", spellcheck: "false"})};
            return [t("reactivate_confirm"), [dl([["name", u.name]]), field("token_hash", again.hash, t("token_hash_help")), field("reason", again.reason)]];
          }, async (key) => {
            if (!again.reason.value.trim()) return;
            const body = {reason: again.reason.value.trim()};
            if (again.hash.value.trim()) body.token_sha256 = again.hash.value.replace(/\s+/g, "").toLowerCase();
            const r = await api(`/v1/users/${u.user_id}/reactivate`, {method: "POST", body, key});
            notify(r.status === "proposed" ? t("user_proposed") : t("saved"), "ok");
            await redraw();
          }));
          const mine = u.user_id === me.user_id;
          return el("tr", {"data-user": u.user_id}, el("th", {scope: "row"}, u.name), el("td", {}, u.roles.map(roleName).join("、")),
            el("td", {}, u.regions.map(regionName).join("、")), el("td", {}, u.active ? t("active") : t("inactive")),
            el("td", {class: "num"}, String(u.tokens.filter((x) => !x.revoked).length)),
            el("td", {class: "actions"}, mine ? "" : u.active ? [change, " ", off] : back));
        }), {id: "users-table"}));
    };
    main.append(section("user_changes", changesBox), section("users", usersBox));
    // Propose a user: the person made their own token (生成我的令牌) and read out its hash.
    const name = el("input", {id: "new-user-name", required: true, maxlength: "100"});
    const roles = rolesPicker("new-user", []);
    const where = regionsPicker("new-user-regions", []);
    const hash = el("input", {id: "new-user-hash", required: true, pattern: "[0-9a-fA-F ]{64,80}", spellcheck: "false", size: "72"});
    const reason = el("input", {id: "new-user-reason", maxlength: "200"});
    const submit = el("button", {type: "submit"}, t("propose_user"));
    let body = null;
    const form = el("form", {id: "new-user-form", class: "grid-form"}, field("name", name), roles, field("regions", where),
      field("token_hash", hash, t("token_hash_help")), field("reason", reason), submit);
    form.addEventListener("submit", act(submit, () => {
      body = {name: name.value.trim(), roles: pickedRoles(roles), regions: pickedRegions(where), token_sha256: hash.value.replace(/\s+/g, "").toLowerCase()};
      if (reason.value.trim()) body.reason = reason.value.trim();
      return [t("user_propose_confirm"), dl([["name", body.name], ["roles", body.roles.map(roleName).join("、")],
        ["regions", body.regions.map(regionName).join("、")], ["token_hash", el("code", {}, grouped(body.token_sha256))]])];
    }, async (key) => {
      const r = await api("/v1/users", {method: "POST", body, key});
      notify(r.status === "proposed" ? t("user_proposed") : t("saved"), "ok");
      form.reset();
      await redraw();
    }));
    main.append(section("propose_user", form));
    await redraw();
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
