<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>EntryScreen</name>
        <message>
            <source>Declaration number (18 digits): type it or scan it</source>
            <translation>报关单号（18位）：请输入或扫描</translation>
        </message>
        <message>
            <source>Enterprise code (10 or 18 characters)</source>
            <translation>企业代码（10位或18位）</translation>
        </message>
        <message>
            <source>Clear</source>
            <translation>清除</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Take a ticket</source>
            <translation>取号</translation>
        </message>
    </context>
    <context>
        <name>KioskWindow</name>
        <message>
            <source>Printing your ticket…</source>
            <translation>正在打印号票…</translation>
        </message>
        <message>
            <source>Please wait a moment.</source>
            <translation>请稍候。</translation>
        </message>
        <message>
            <source>Sorry, your ticket could not be printed</source>
            <translation>抱歉，号票未能打印</translation>
        </message>
        <message>
            <source>No ticket was issued. Please use another kiosk.</source>
            <translation>本次未取号，请到其他取号机取号。</translation>
        </message>
        <message>
            <source>No ticket was issued</source>
            <translation>本次未取号</translation>
        </message>
        <message>
            <source>Out of service</source>
            <translation>暂停服务</translation>
        </message>
        <message>
            <source>Please use another kiosk.</source>
            <translation>请到其他取号机取号。</translation>
        </message>
        <message>
            <source>The queue system cannot be reached. This kiosk will be back by itself.</source>
            <translation>无法连接排队系统，恢复后本机将自动重新服务。</translation>
        </message>
        <message>
            <source>The hall is closed: no tickets are issued now.</source>
            <translation>现在不是办公时间，暂不取号。</translation>
        </message>
        <message>
            <source>The ticket printer is out of paper.</source>
            <translation>打印机缺纸。</translation>
        </message>
        <message>
            <source>The ticket printer cover is open.</source>
            <translation>打印机纸仓盖未关。</translation>
        </message>
        <message>
            <source>The ticket printer does not answer.</source>
            <translation>打印机无响应。</translation>
        </message>
        <message>
            <source>The ticket printer reports a fault.</source>
            <translation>打印机故障。</translation>
        </message>
        <message>
            <source>Checking the ticket printer…</source>
            <translation>正在检查打印机…</translation>
        </message>
        <message>
            <source>Starting…</source>
            <translation>正在启动…</translation>
        </message>
        <message>
            <source>18 digits; the 9th is 1 for an import declaration</source>
            <translation>共18位，进口报关单第9位为1</translation>
        </message>
        <message>
            <source>18 digits; the 9th is 0 for an export declaration</source>
            <translation>共18位，出口报关单第9位为0</translation>
        </message>
        <message>
            <source>18 digits</source>
            <translation>共18位</translation>
        </message>
        <message>
            <source>A declaration number has digits only.</source>
            <translation>报关单号只能包含数字。</translation>
        </message>
        <message>
            <source>A declaration number has 18 digits.</source>
            <translation>报关单号应为18位数字。</translation>
        </message>
        <message>
            <source>Digits 5–8 must be a year (e.g. 2024).</source>
            <translation>第5至8位应为年份（如2024）。</translation>
        </message>
        <message>
            <source>Digit 9 must be 1 (import) or 0 (export).</source>
            <translation>第9位应为1（进口）或0（出口）。</translation>
        </message>
        <message>
            <source>This business needs a declaration number.</source>
            <translation>办理此业务需要报关单号。</translation>
        </message>
        <message>
            <source>A customs code is 4 digits then 6 digits or letters.</source>
            <translation>海关编码为4位数字加6位数字或字母。</translation>
        </message>
        <message>
            <source>A credit code uses digits and capitals except I, O, S, V, Z.</source>
            <translation>统一社会信用代码由数字和大写字母组成（不含I、O、S、V、Z）。</translation>
        </message>
        <message>
            <source>The check character of this credit code is wrong.</source>
            <translation>统一社会信用代码校验位不正确。</translation>
        </message>
        <message>
            <source>An enterprise code has 10 or 18 characters.</source>
            <translation>企业代码应为10位或18位。</translation>
        </message>
        <message>
            <source>This business needs an enterprise code.</source>
            <translation>办理此业务需要企业代码。</translation>
        </message>
        <message>
            <source>This is for import declarations: digit 9 must be 1.</source>
            <translation>此处办理进口报关：第9位应为1。</translation>
        </message>
        <message>
            <source>This is for export declarations: digit 9 must be 0.</source>
            <translation>此处办理出口报关：第9位应为0。</translation>
        </message>
        <message>
            <source>This kiosk has issued many tickets just now. Please wait a minute and try again.</source>
            <translation>本取号机刚才取号过多，请稍候一分钟再试。</translation>
        </message>
        <message>
            <source>This declaration already has a ticket under another enterprise code. Please ask at the help desk.</source>
            <translation>该报关单号已以其他企业代码取号，请到咨询台办理。</translation>
        </message>
        <message>
            <source>The queue system cannot be reached. Please try again.</source>
            <translation>无法连接排队系统，请重试。</translation>
        </message>
        <message>
            <source>No ticket could be issued: %1</source>
            <translation>未能取号：%1</translation>
        </message>
    </context>
    <context>
        <name>StartScreen</name>
        <message>
            <source>Please choose your business</source>
            <translation>请选择业务类型</translation>
        </message>
        <message>
            <source>Or scan the barcode on your declaration form</source>
            <translation>也可直接扫描报关单条码</translation>
        </message>
        <message numerus="yes">
            <source>Waiting: %n</source>
            <translation>
                <numerusform>等候 %n 人</numerusform>
            </translation>
        </message>
        <message>
            <source>no wait</source>
            <translation>无需等候</translation>
        </message>
        <message numerus="yes">
            <source>about %n min</source>
            <translation>
                <numerusform>约 %n 分钟</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TicketScreen</name>
        <message>
            <source>Please take your ticket</source>
            <translation>请取走您的号票</translation>
        </message>
        <message>
            <source>Your number</source>
            <translation>您的号码</translation>
        </message>
        <message>
            <source>Please watch the hall screen: your number will be called.</source>
            <translation>请留意大厅显示屏叫号。</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message numerus="yes">
            <source>People ahead of you: %n</source>
            <translation>
                <numerusform>您前面还有 %n 人</numerusform>
            </translation>
        </message>
        <message>
            <source>You are next</source>
            <translation>下一位就是您</translation>
        </message>
        <message numerus="yes">
            <source>Estimated wait: about %n min</source>
            <translation>
                <numerusform>预计等候约 %n 分钟</numerusform>
            </translation>
        </message>
        <message>
            <source>This declaration already had a ticket: it was printed again.</source>
            <translation>该报关单已有号票，现为您补打。</translation>
        </message>
    </context>
</TS>