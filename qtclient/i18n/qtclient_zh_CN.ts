<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
    <context>
        <name>EnrolmentView</name>
        <message>
            <source>Enrol this device</source>
            <translation>登记本设备</translation>
        </message>
        <message>
            <source>Scan or paste the enrolment code from the supervisor, or enter the dispatcher address (or “discover”), the token and the certificate pin.</source>
            <translation>请扫描或粘贴管理员提供的登记码，或输入调度服务地址（或“discover”自动发现）、令牌和证书指纹。</translation>
        </message>
        <message>
            <source>discover or https://host:port</source>
            <translation>discover 或 https://主机:端口</translation>
        </message>
        <message>
            <source>Enrolment code or token</source>
            <translation>登记码或令牌</translation>
        </message>
        <message>
            <source>Certificate pin (64 hex digits; empty for plain http)</source>
            <translation>证书指纹（64 位十六进制；明文 http 留空）</translation>
        </message>
        <message>
            <source>Connect</source>
            <translation>连接</translation>
        </message>
        <message>
            <source>This enrolment code is incomplete; scan it again.</source>
            <translation>登记码不完整，请重新扫描。</translation>
        </message>
        <message>
            <source>Please enter the token.</source>
            <translation>请输入令牌。</translation>
        </message>
        <message>
            <source>The pin is not a certificate fingerprint (64 hex digits).</source>
            <translation>证书指纹格式不对，应为 64 位十六进制数字。</translation>
        </message>
        <message>
            <source>No dispatcher found on the network yet; enter its address.</source>
            <translation>网络中尚未发现调度服务，请输入其地址。</translation>
        </message>
        <message>
            <source>Checking…</source>
            <translation>正在验证…</translation>
        </message>
        <message>
            <source>The dispatcher does not answer: %1</source>
            <translation>调度服务无响应：%1</translation>
        </message>
        <message>
            <source>The token was refused.</source>
            <translation>令牌无效。</translation>
        </message>
        <message>
            <source>This token is for a %1, not for this device.</source>
            <translation>此令牌属于“%1”设备，不适用于本设备。</translation>
        </message>
    </context>
</TS>