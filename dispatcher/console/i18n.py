"""The console's words in Chinese (first) and English; a page asks `t(key)` in the viewer's language."""

from __future__ import annotations

from collections.abc import Callable

from .i18n_warnings import WARNING_TEXT

LANGS = ("zh", "en")
LANG_COOKIE = "fairq_lang"

TEXT: dict[str, tuple[str, str]] = {
    "console": ("管理控制台", "Console"),
    "hall": ("现场实况", "Live hall"),
    "actions": ("现场处置", "Hall actions"),
    "reports": ("日报", "Reports"),
    "officers": ("关员", "Officers"),
    "devices": ("设备", "Devices"),
    "counters": ("窗口", "Counters"),
    "categories": ("业务类型", "Categories"),
    "day": ("营业日", "Business day"),
    "logout": ("退出", "Log out"),
    "login": ("登录", "Log in"),
    "login_title": ("主管与管理员登录", "Supervisor and administrator login"),
    "staff_id": ("工号", "Staff id"),
    "password": ("密码", "Password"),
    "name": ("姓名", "Name"),
    "role": ("角色", "Role"),
    "role_officer": ("关员", "Officer"),
    "role_supervisor": ("主管", "Supervisor"),
    "role_admin": ("管理员", "Administrator"),
    "other_lang": ("English", "中文"),
    "bad_login": ("工号或密码错误。", "Wrong staff id or password."),
    "throttled": ("错误次数过多，请 {s} 秒后再试。", "Too many wrong passwords; try again in {s} s."),
    "no_console": ("该账号无权使用控制台。", "This account may not use the console."),
    "logged_out": ("已退出。", "You are logged out."),
    "expired": ("登录已过期，请重新登录。", "Your session has expired; please log in again."),
    "forbidden": ("无权访问", "Not allowed"),
    "forbidden_text": ("此页面仅限管理员。", "This page is for administrators only."),
    "csrf_text": (
        "表单已失效（缺少或错误的校验码），未做任何更改。请返回刷新后重试。",
        "The form is no longer valid (missing or wrong check token); nothing was changed. Go back, reload, retry.",
    ),
    "back": ("返回", "Back"),
    # live hall
    "live": ("实时", "Live"),
    "stale": ("连接中断，数据可能过时，自", "Connection lost: figures may be out of date since"),
    "connecting": ("连接中…", "Connecting…"),
    "queues": ("各业务排队", "Queues"),
    "waiting": ("等候", "Waiting"),
    "oldest": ("最久等候", "Oldest wait"),
    "estimate": ("预计等候", "Estimate"),
    "target": ("目标", "Target"),
    "counter": ("窗口", "Counter"),
    "state": ("状态", "State"),
    "officer": ("关员", "Officer"),
    "ticket": ("当前票号", "Ticket"),
    "for": ("持续", "For"),
    "served": ("今日办结", "Served today"),
    "mean_service": ("平均办理", "Mean service"),
    "ratings": ("评价（非常满意/满意/基本满意/不满意/非常不满意）", "Ratings (very good … very poor)"),
    "alerts": ("预警", "Alerts"),
    "no_alerts": ("暂无预警。", "No alerts."),
    "commitment": ("开日承诺 SHA-256(种子)", "Day commitment SHA-256(seed)"),
    "seed": ("公开种子", "Revealed seed"),
    "seed_secret": ("营业日未结束，种子尚未公开", "Secret until the day closes"),
    "no_day": ("今日营业尚未开始。", "No business day is open."),
    "notice": ("大厅公告", "Hall notice"),
    "set_notice": ("发布公告", "Set the notice"),
    "cancel_ticket": ("作废票号", "Cancel a ticket"),
    "reason": ("原因", "Reason"),
    "cancel": ("作废", "Cancel"),
    "waiting_tickets": ("等候中的票", "Waiting tickets"),
    "issued_at": ("取号时间", "Issued"),
    "declaration": ("报关单号", "Declaration no."),
    "done_ok": ("已完成。", "Done."),
    "invalid": ("输入有误", "Not valid"),
    "standby": ("本机为备用调度服务，请使用主用机。", "This dispatcher is the standby: use the active one."),
    # reports
    "report_of": ("日报", "Report of"),
    "pick_day": ("选择营业日", "Pick a day"),
    "show": ("查看", "Show"),
    "download": ("下载", "Download"),
    "bundle": ("核验数据包", "Verifiable day bundle"),
    "verdict": ("审计核验（audit verify）", "Audit verify"),
    "verdict_ok": (
        "核验通过：{records} 条记录链完整，{draws} 次分派已复现。",
        "Verifies: {records} records chained, {draws} draws re-run.",
    ),
    "verdict_bad": ("核验未通过，第一处问题：", "Does not verify; first problem:"),
    "no_such_day": ("没有该营业日。", "No such business day."),
    "known_days": ("已有营业日", "Days on record"),
    # administration
    "add": ("添加", "Add"),
    "save": ("保存", "Save"),
    "pin": ("窗口 PIN", "Counter PIN"),
    "recusals": ("回避企业代码", "Recusals (enterprise codes)"),
    "active": ("在岗", "Active"),
    "deactivate": ("停用", "Deactivate"),
    "reset_pin": ("重设 PIN", "Reset PIN"),
    "set_password": ("设置密码", "Set password"),
    "password_hint": ("至少 10 位，仅主管与管理员需要", "At least 10 characters; supervisors and admins only"),
    "change": ("修改", "Change"),
    "enrol": ("登记设备", "Enrol a device"),
    "revoke": ("吊销", "Revoke"),
    "revoked": ("已吊销", "Revoked"),
    "printer": ("打印机", "Printer"),
    "token_once": (
        "设备令牌与 TLS 指纹仅显示这一次，请现在录入设备的登记界面。",
        "The device token and TLS pin are shown this once only: enter them on the device's enrolment screen now.",
    ),
    "token": ("设备令牌", "Device token"),
    "tls_pin": ("TLS 证书指纹", "TLS pin"),
    "enrol_code": ("登记码（二维码内容）", "Enrolment code (in the QR code)"),
    "no_tls": ("（未启用 TLS）", "(TLS is off)"),
    "url": ("调度服务地址", "Dispatcher address"),
    "number": ("编号", "Number"),
    "led": ("LED 地址", "LED address"),
    "keypad": ("按键地址", "Keypad address"),
    "evaluator": ("评价器地址", "Evaluator address"),
    "code": ("代码", "Code"),
    "name_zh": ("中文名称", "Chinese name"),
    "name_en": ("英文名称", "English name"),
    "priority": ("优先级", "Priority"),
    "target_min": ("目标等候（分钟）", "Target wait (min)"),
    "requires_declaration": ("需报关单号", "Declaration number required"),
    "requires_enterprise": ("需企业代码", "Enterprise code required"),
    "io_flag": ("进出口标志", "Import/export flag"),
    "open_day": ("开始营业日", "Open the day"),
    "close_day": ("结束营业日", "Close the day"),
    "day_open": ("营业中", "open"),
    "day_closed": ("已结束", "closed"),
    "reopen_day": ("重新开启营业日", "Reopen the day"),
    "reopen_hint": (
        "今日营业日误结束时可重新开启：须填写原因，作为管理员干预记入当日日志和日报；之后的分派使用新的已承诺种子。",
        "Reopen today's day if it was closed by mistake: the reason is required and goes into the day's log and "
        "report as an override; draws go on under a fresh committed seed.",
    ),
    # a refused change: Chinese words for the hall's reason (by its code); English shows the hall's own message
    "refused_reopen_reason_required": ("重新开启营业日须填写原因：这是记入当日日志的管理员干预。", "{message}"),
    "refused_reopen_outside_hours": ("现在不在营业时间内，营业日不能重新开启。", "{message}"),
    "refused_reopen_not_today": ("只能重新开启今日的营业日：页面上的营业日已不是今日，请刷新。", "{message}"),
    "refused_reopen_no_day": ("今日营业日尚未开始：请开始营业日，而不是重新开启。", "{message}"),
    "refused_reopen_day_open": ("营业日仍在营业中：只有已结束的营业日才能重新开启。", "{message}"),
    "refused_reason_required": ("请填写原因：此操作会记入当日日志。", "{message}"),
    "refused_day_closed": ("营业日已结束：没有正在营业的营业日。", "{message}"),
    "refused_no_day": ("营业日尚未开始。", "{message}"),
    "refused_day_not_found": ("没有该营业日的记录。", "{message}"),
    "refused_officer_not_found": ("没有这个工号的关员。", "{message}"),
    "refused_name_required": ("请填写关员姓名。", "{message}"),
    "refused_bad_pin": ("PIN 码位数不对，请按页面提示的位数填写数字。", "{message}"),
    "refused_bad_password": ("控制台密码长度不符合要求。", "{message}"),
    "refused_bad_role": ("关员会话在窗口登录时产生，不能在此登记。", "{message}"),
    "refused_department_required": ("请选择或填写科室。", "{message}"),
    "refused_department_not_found": ("没有这个科室。", "{message}"),
    "refused_device_exists": ("已有同名设备登记，请换一个名称。", "{message}"),
    "refused_device_not_found": ("没有这台设备。", "{message}"),
    "refused_counter_required": ("窗口设备须填写一个已有窗口的编号。", "{message}"),
    "refused_counter_not_found": ("没有这个窗口。", "{message}"),
    "refused_counter_in_use": ("该窗口正在使用中（有关员登录），请等其退出后再修改。", "{message}"),
    "refused_counter_closed": ("该窗口没有关员登录。", "{message}"),
    "refused_no_category": ("每个窗口至少办理一种业务类型。", "{message}"),
    "refused_unknown_category": ("没有这种业务类型。", "{message}"),
    "refused_category_in_use": ("该业务类型仍有未办结的票号或仍有窗口在办理，暂不能修改。", "{message}"),
    "refused_code_mismatch": ("表单内容与页面不符，请刷新后重试。", "{message}"),
    "refused_number_mismatch": ("表单内容与页面不符，请刷新后重试。", "{message}"),
    "refused_ticket_not_found": ("今日没有这个票号。", "{message}"),
    "refused_ticket_not_cancellable": ("该票号已办理或已取消，不能再取消。", "{message}"),
    "refused_same_category": ("该票号已经是这种业务类型。", "{message}"),
    "refused_forbidden": ("您无权执行此操作。", "{message}"),
    "refused_warning_not_found": ("没有您可查看的这条预警。", "{message}"),
    "refused_assignee_required": ("请在科室和个人中选择一个交办对象。", "{message}"),
    "refused_explanation_required": ("请写明查实情况和处理结果。", "{message}"),
    "refused_bad_step": ("这条预警当前的状态不能做这一步，请刷新页面。", "{message}"),
    "refused_bad_outcome": ("请选择复核结论。", "{message}"),
    "refused_outcome_required": ("请选择复核结论。", "{message}"),
    "refused_bad_size": ("抽查至少抽取一条预警。", "{message}"),
    "refused_nothing_closed": ("还没有已办结的预警可供抽查。", "{message}"),
    "refused_sample_pending": ("已有一次承诺待抽取的抽查，请先抽取。", "{message}"),
    "refused_sample_drawn": ("这次抽查已经抽取过了。", "{message}"),
    "refused_sample_not_found": ("没有这次抽查。", "{message}"),
    "refused_not_in_sample": ("这条预警不在本次抽查的样本中。", "{message}"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "minutes": ("分", "min"),
    # alerts and states
    "al_wait": (
        "{code} {name}：最久等候 {wait} 分钟，超过目标 {target} 分钟",
        "{code} {name_en}: oldest wait {wait} min, over its {target} min target",
    ),
    "al_idle": (
        "{counter} 号窗口{state} {mins} 分钟，仍有 {n} 张可办票等候",
        "Counter {counter} {state} for {mins} min while {n} eligible tickets wait",
    ),
    "al_printer": ("取号机 {device} 打印机：{state}", "Kiosk {device} printer: {state}"),
    "al_offline": (
        "{counter} 号窗口终端 {s} 秒无响应（在岗：{staff}）",
        "Counter {counter} PC silent for {s} s (logged in: {staff})",
    ),
    "al_failed": ("工号 {staff} 今日登录失败 {n} 次", "Staff id {staff}: {n} failed logins today"),
    "al_rating": (
        "{label} 在 {counter} 号窗口（{staff}）获差评（不满意或非常不满意），已生成回访件",
        "{label} at counter {counter} ({staff}) rated unsatisfied or very unsatisfied; its follow-up case is open",
    ),
    "state_closed": ("关闭", "closed"),
    "state_idle": ("空闲", "idle"),
    "state_ready": ("待分派", "ready"),
    "state_busy": ("办理中", "busy"),
    "state_paused": ("暂停", "paused"),
    "ticket_called": ("已叫号", "called"),
    "ticket_serving": ("办理中", "serving"),
    "ticket_waiting": ("等候", "waiting"),
    "printer_ok": ("正常", "ok"),
    "printer_paper_near_end": ("纸将用尽", "paper low"),
    "printer_paper_out": ("缺纸", "out of paper"),
    "printer_cover_open": ("纸仓盖未关", "cover open"),
    "printer_offline": ("离线", "offline"),
    "printer_error": ("故障", "error"),
}


TEXT.update(WARNING_TEXT)


def translator(lang: str) -> Callable[..., str]:
    """`t(key, **values)` in one language; an unknown key shows itself, so a missing word is visible."""
    index = LANGS.index(lang) if lang in LANGS else 0

    def t(key: str, **values: object) -> str:
        pair = TEXT.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t


def both(key: str, **values: object) -> dict[str, str]:
    """The text in every language (alerts go to the page in both; the page shows its own)."""
    return {lang: translator(lang)(key, **values) for lang in LANGS}
