from regulars.core.i18n import register

register(
    {
        "push.endpoint.not_https": {
            "zh-CN": "推送地址必须是 https 地址",
            "en": "The push endpoint must be an https URL",
        },
        "push.endpoint.private_address": {
            "zh-CN": "推送地址指向内网、本机或链路本地地址，已拒绝",
            "en": "The push endpoint points to a loopback, private or link-local address",
        },
        "push.endpoint.port": {"zh-CN": "推送地址只能使用 443 端口", "en": "The push endpoint must use port 443"},
        "push.endpoint.malformed": {"zh-CN": "推送地址格式有误", "en": "The push endpoint is not a valid URL"},
        "push.endpoint.keys": {
            "zh-CN": "订阅密钥有误（p256dh 须为 65 字节公钥，auth 须为 16 字节）",
            "en": "Subscription keys are invalid (p256dh must be a 65-byte key, auth 16 bytes)",
        },
        "push.who": {
            "zh-CN": "请先登录，或从您的会员页开启通知",
            "en": "Log in, or turn on notifications from your wallet page",
        },
        "message.no_marketing_consent": {
            "zh-CN": "客户未同意接收营销消息",
            "en": "The customer has not agreed to receive offers",
        },
        "inbox.not_found": {"zh-CN": "消息 {id} 不存在", "en": "Message {id} does not exist"},
        "timeline.message": {"zh-CN": "收到消息：{title}", "en": "Message received: {title}"},
        "sms.otp": {
            "zh-CN": "【{brand}】验证码 {code}，{minutes} 分钟内有效。请勿告诉他人。",
            "en": "[{brand}] Your code is {code}, valid for {minutes} minutes. Do not share it.",
        },
    }
)
