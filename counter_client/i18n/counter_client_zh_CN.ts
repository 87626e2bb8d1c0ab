<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>CounterController</name>
        <message>
            <source>Choose the category and give the reason, then Transfer (Enter).</source>
            <translation>请选择业务类型并填写原因，然后按“转办”（回车）。</translation>
        </message>
        <message>
            <source>Counter</source>
            <translation>窗口</translation>
        </message>
        <message>
            <source>Connection to the dispatcher lost — reconnecting… Actions are unavailable; the ticket stays.</source>
            <translation>与调度服务器的连接已中断，正在重连…… 暂不能操作，当前号票保留。</translation>
        </message>
        <message>
            <source>Not responding: %1 — keep working with the screen.</source>
            <translation>设备无响应：%1 — 可继续用屏幕操作。</translation>
        </message>
        <message>
            <source>Waiting for the dispatcher…</source>
            <translation>正在连接调度服务器……</translation>
        </message>
        <message>
            <source>Closed</source>
            <translation>未开窗</translation>
        </message>
        <message>
            <source>Serving</source>
            <translation>办理中</translation>
        </message>
        <message>
            <source>Called</source>
            <translation>呼叫中</translation>
        </message>
        <message>
            <source>Free</source>
            <translation>空闲</translation>
        </message>
        <message>
            <source>Ready</source>
            <translation>待分配</translation>
        </message>
        <message>
            <source>Busy</source>
            <translation>忙碌</translation>
        </message>
        <message>
            <source>Paused</source>
            <translation>暂停</translation>
        </message>
        <message>
            <source>Not connected to the dispatcher; please wait.</source>
            <translation>未连接调度服务器，请稍候。</translation>
        </message>
        <message>
            <source>One moment, the last action is still being sent.</source>
            <translation>请稍候，上一操作正在提交。</translation>
        </message>
        <message>
            <source>“%1” is not possible now.</source>
            <translation>现在不能“%1”。</translation>
        </message>
        <message>
            <source>Welcome back: %1 is still yours.</source>
            <translation>欢迎回来：%1 仍由您办理。</translation>
        </message>
        <message>
            <source>Your new PIN is set.</source>
            <translation>新口令已设置。</translation>
        </message>
        <message>
            <source>Transferred.</source>
            <translation>已转办。</translation>
        </message>
        <message>
            <source>Done. Press Next (F1) for the next trader.</source>
            <translation>已办结。按“下一位”（F1）叫下一位。</translation>
        </message>
        <message>
            <source>Called %1.</source>
            <translation>已呼叫 %1。</translation>
        </message>
        <message>
            <source>very satisfied</source>
            <translation>非常满意</translation>
        </message>
        <message>
            <source>satisfied</source>
            <translation>满意</translation>
        </message>
        <message>
            <source>unsatisfied</source>
            <translation>不满意</translation>
        </message>
        <message>
            <source>Rating for %1: %2</source>
            <translation>%1 的评价：%2</translation>
        </message>
    </context>
    <context>
        <name>CounterSession</name>
        <message>
            <source>Enter your staff id and PIN.</source>
            <translation>请输入工号和密码。</translation>
        </message>
        <message>
            <source>The dispatcher is not reachable; please wait.</source>
            <translation>调度服务器暂不可用，请稍候。</translation>
        </message>
        <message>
            <source>A new PIN has 6 to 12 digits.</source>
            <translation>新口令须为 6 至 12 位数字。</translation>
        </message>
        <message>
            <source>The two new PINs differ.</source>
            <translation>两次输入的新口令不一致。</translation>
        </message>
        <message>
            <source>A transfer needs a reason.</source>
            <translation>转办必须填写原因。</translation>
        </message>
        <message>
            <source>Choose another category.</source>
            <translation>请选择其他业务类型。</translation>
        </message>
        <message>
            <source>This counter was closed by the dispatcher.</source>
            <translation>本窗口已被调度系统关闭。</translation>
        </message>
        <message>
            <source>Wrong staff id or PIN.</source>
            <translation>工号或密码错误。</translation>
        </message>
        <message>
            <source>Too many wrong PINs; try again in %1 s.</source>
            <translation>密码错误次数过多，请 %1 秒后再试。</translation>
        </message>
        <message>
            <source>You are logged in at counter %1; log out there first.</source>
            <translation>您已在 %1 号窗口登录，请先在该窗口退出。</translation>
        </message>
        <message>
            <source>Counter %1 is in use by another officer.</source>
            <translation>%1 号窗口已有其他关员登录。</translation>
        </message>
        <message>
            <source>Finish the current ticket before pausing.</source>
            <translation>请先办结当前号票再暂停。</translation>
        </message>
        <message>
            <source>Finish the ticket in service before logging out.</source>
            <translation>请先办结正在办理的号票再退出。</translation>
        </message>
        <message>
            <source>The ticket is already in that category.</source>
            <translation>该号票已属于此业务类型。</translation>
        </message>
        <message>
            <source>The counter is not paused.</source>
            <translation>本窗口未暂停。</translation>
        </message>
        <message>
            <source>The dispatcher refused it (%1).</source>
            <translation>调度服务器拒绝了该操作（%1）。</translation>
        </message>
        <message>
            <source>No answer from the dispatcher in time; checking what was done.</source>
            <translation>调度服务器未及时应答，正在核对操作结果。</translation>
        </message>
        <message>
            <source>The dispatcher cannot be reached: %1</source>
            <translation>无法连接调度服务器：%1</translation>
        </message>
    </context>
    <context>
        <name>CounterWindow</name>
        <message>
            <source>fairq counter</source>
            <extracomment>Screen sizes of counter PCs. The layout is made for 1920×1080; smaller screens scale it down whole.</extracomment>
            <translation>fairq 窗口叫号</translation>
        </message>
    </context>
    <context>
        <name>LoginView</name>
        <message>
            <source>%1 · Officer login</source>
            <translation>%1 · 关员登录</translation>
        </message>
        <message>
            <source>Counter</source>
            <translation>窗口</translation>
        </message>
        <message>
            <source>Log in with your staff id and PIN</source>
            <translation>请用工号和密码登录</translation>
        </message>
        <message>
            <source>Staff id</source>
            <translation>工号</translation>
        </message>
        <message>
            <source>PIN</source>
            <translation>密码</translation>
        </message>
        <message>
            <source>e.g. 1001</source>
            <translation>例如 1001</translation>
        </message>
        <message>
            <source>Log in</source>
            <translation>登录</translation>
        </message>
    </context>
    <context>
        <name>PinPanel</name>
        <message>
            <source>Your PIN has fewer than 6 digits: please set a new one (6 to 12 digits).</source>
            <translation>您的口令不足 6 位，请设置新口令（6 至 12 位数字）。</translation>
        </message>
        <message>
            <source>Current PIN</source>
            <translation>当前口令</translation>
        </message>
        <message>
            <source>New PIN</source>
            <translation>新口令</translation>
        </message>
        <message>
            <source>New PIN again</source>
            <translation>再次输入新口令</translation>
        </message>
        <message>
            <source>Set PIN</source>
            <translation>设置口令</translation>
        </message>
        <message>
            <source>Later (Esc)</source>
            <translation>稍后（Esc）</translation>
        </message>
    </context>
    <context>
        <name>ServiceView</name>
        <message>
            <source>Next</source>
            <translation>下一位</translation>
        </message>
        <message>
            <source>Recall</source>
            <translation>重呼</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>开始办理</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>办结</translation>
        </message>
        <message>
            <source>No-show</source>
            <translation>未到</translation>
        </message>
        <message>
            <source>Transfer</source>
            <translation>转办</translation>
        </message>
        <message>
            <source>Pause</source>
            <translation>暂停</translation>
        </message>
        <message>
            <source>Resume</source>
            <translation>恢复</translation>
        </message>
        <message>
            <source>Log out</source>
            <translation>退出</translation>
        </message>
        <message>
            <source>Outcome (optional)</source>
            <translation>办理结果（可选）</translation>
        </message>
        <message>
            <source>e.g. accepted</source>
            <translation>例如 已受理</translation>
        </message>
    </context>
    <context>
        <name>SidePanel</name>
        <message>
            <source>Waiting for this counter</source>
            <translation>本窗口等候人数</translation>
        </message>
        <message>
            <source>My figures today</source>
            <translation>本人今日统计</translation>
        </message>
        <message>
            <source>Served</source>
            <translation>已办结</translation>
        </message>
        <message>
            <source>Average handling time</source>
            <translation>平均办理时长</translation>
        </message>
        <message>
            <source>No-shows</source>
            <translation>未到</translation>
        </message>
        <message>
            <source>Transfers</source>
            <translation>转办</translation>
        </message>
        <message>
            <source>%1 waiting</source>
            <translation>%1 人等候</translation>
        </message>
    </context>
    <context>
        <name>StatusBar</name>
        <message>
            <source>English</source>
            <translation>English</translation>
        </message>
        <message>
            <source>LED</source>
            <translation>窗口屏</translation>
        </message>
        <message>
            <source>Keypad</source>
            <translation>呼叫器</translation>
        </message>
        <message>
            <source>Evaluator</source>
            <translation>评价器</translation>
        </message>
    </context>
    <context>
        <name>TicketCard</name>
        <message>
            <source>Declaration No.</source>
            <translation>报关单号</translation>
        </message>
        <message>
            <source>Enterprise code</source>
            <translation>企业编码</translation>
        </message>
        <message>
            <source>Waited</source>
            <translation>已等候</translation>
        </message>
        <message>
            <source>Service time</source>
            <translation>办理计时</translation>
        </message>
        <message>
            <source>Free</source>
            <translation>空闲</translation>
        </message>
        <message>
            <source>Press Next (F1) to call the next trader</source>
            <translation>按“下一位”（F1）叫号</translation>
        </message>
        <message>
            <source>Waiting for a ticket…</source>
            <translation>等待派号……</translation>
        </message>
        <message>
            <source>The dispatcher will assign the next trader</source>
            <translation>调度系统将随机分配下一位办事人</translation>
        </message>
        <message>
            <source>On a break</source>
            <translation>暂停服务</translation>
        </message>
        <message>
            <source>Press Resume (F7) to take traders again</source>
            <translation>按“恢复”（F7）继续服务</translation>
        </message>
        <message>
            <source>Serving</source>
            <translation>办理中</translation>
        </message>
        <message>
            <source>Called — waiting for the trader</source>
            <translation>已呼叫 — 等候办事人到窗口</translation>
        </message>
        <message>
            <source>Since called</source>
            <translation>呼叫后</translation>
        </message>
        <message>
            <source>Recalled %1 time(s)</source>
            <translation>已重呼 %1 次</translation>
        </message>
    </context>
    <context>
        <name>TransferPanel</name>
        <message>
            <source>Transfer to</source>
            <translation>转至</translation>
        </message>
        <message>
            <source>Reason (required)</source>
            <translation>原因（必填）</translation>
        </message>
        <message>
            <source>Transfer</source>
            <translation>转办</translation>
        </message>
        <message>
            <source>Cancel (Esc)</source>
            <translation>取消 (Esc)</translation>
        </message>
    </context>
</TS>