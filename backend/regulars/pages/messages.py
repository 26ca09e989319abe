"""Texts of the public customer pages (zh-CN first, en alongside)."""

from regulars.core.i18n import register

register(
    {
        "page.brand": {"zh-CN": "门店熟客", "en": "Regulars"},
        "page.follow.title": {"zh-CN": "关注 {store}", "en": "Follow {store}"},
        "page.follow.intro": {
            "zh-CN": "关注后可在手机上查看电子券、积分和门店消息，无需下载 App。",
            "en": "Follow to see your coupons, points and messages from the store on your phone. No app needed.",
        },
        "page.follow.welcome": {"zh-CN": "新关注即送礼券", "en": "A welcome coupon for new followers"},
        "page.follow.notice_title": {
            "zh-CN": "个人信息处理规则（版本 {version}）",
            "en": "How we handle your personal information (version {version})",
        },
        "page.follow.notice_summary": {
            "zh-CN": "我们仅收集您的手机号，用于会员服务（电子券、积分、到店服务和消息）。营销消息仅在您另行同意后发送，可随时关闭。您可随时在会员页导出或申请删除您的信息。",
            "en": "We only collect your phone number, for membership services (coupons, points, in-store service and messages). Offers are sent only if you agree separately, and you can turn them off at any time. You can export or ask us to delete your data from your wallet at any time.",
        },
        "page.follow.notice_more": {"zh-CN": "查看完整规则", "en": "Read the full notice"},
        "page.follow.phone": {"zh-CN": "手机号", "en": "Mobile number"},
        "page.follow.phone_hint": {"zh-CN": "11 位中国大陆手机号", "en": "11-digit mainland China mobile number"},
        "page.follow.consent_service": {
            "zh-CN": "我已阅读并同意《个人信息处理规则》（必选）",
            "en": "I have read and agree to the privacy notice (required)",
        },
        "page.follow.consent_marketing": {
            "zh-CN": "接收优惠活动和关怀消息（可选，可随时关闭）",
            "en": "Send me offers and care messages (optional; you can stop them at any time)",
        },
        "page.follow.marketing_on": {
            "zh-CN": "您已开启优惠消息，可在会员页关闭",
            "en": "Offers are on; you can turn them off in your wallet",
        },
        "page.follow.age": {"zh-CN": "我已年满 14 周岁（必选）", "en": "I am 14 or older (required)"},
        "page.follow.send_code": {"zh-CN": "获取验证码", "en": "Send me a code"},
        "page.follow.code_sent": {
            "zh-CN": "验证码已发送至 {phone}，{minutes} 分钟内有效",
            "en": "We sent a code to {phone}; it is valid for {minutes} minutes",
        },
        "page.follow.code": {"zh-CN": "短信验证码", "en": "Code from the text message"},
        "page.follow.verify": {"zh-CN": "验证并关注", "en": "Verify and follow"},
        "page.follow.resend": {"zh-CN": "没收到？重新发送", "en": "Didn't get it? Send again"},
        "page.follow.other_phone": {"zh-CN": "换一个手机号", "en": "Use another number"},
        "page.follow.known": {"zh-CN": "您好，{phone}", "en": "Hello, {phone}"},
        "page.follow.known_button": {"zh-CN": "关注 {store}", "en": "Follow {store}"},
        "page.follow.not_me": {"zh-CN": "不是我？用其他手机号关注", "en": "Not you? Follow with another number"},
        "page.follow.clerk": {"zh-CN": "服务店员：{name}", "en": "Your clerk: {name}"},
        "page.follow.invited": {"zh-CN": "您的好友邀请您一起关注", "en": "A friend invited you to follow"},
        "page.follow.errors": {"zh-CN": "请检查以下内容", "en": "Please check the following"},
        "page.closed.title": {"zh-CN": "二维码无效", "en": "This QR code is not valid"},
        "page.closed.body": {
            "zh-CN": "该二维码不存在或已停用。请向门店店员索取最新的二维码。",
            "en": "This QR code does not exist or is no longer in use. Please ask the store for a current one.",
        },
        "page.wallet_missing.title": {"zh-CN": "链接无效", "en": "This link is not valid"},
        "page.wallet_missing.body": {
            "zh-CN": "该会员链接无效或已失效。请扫描门店二维码重新进入，或使用短信中的链接。",
            "en": "This wallet link is not valid. Scan the store's QR code again, or use the link from your text message.",
        },
        "page.csrf.title": {"zh-CN": "页面已过期", "en": "This page has expired"},
        "page.csrf.body": {
            "zh-CN": "为保护您的安全，请返回并刷新页面后重试。",
            "en": "To keep you safe, please go back, reload the page and try again.",
        },
        "page.too_many.title": {"zh-CN": "操作太频繁", "en": "Too many attempts"},
        "page.error.title": {"zh-CN": "出错了", "en": "Something went wrong"},
        "page.back": {"zh-CN": "返回", "en": "Back"},
        "page.wallet.title": {"zh-CN": "我的会员", "en": "My wallet"},
        "page.wallet.hello": {"zh-CN": "{phone}", "en": "{phone}"},
        "page.wallet.stores": {"zh-CN": "已关注门店", "en": "Stores you follow"},
        "page.wallet.home_store": {"zh-CN": "归属门店", "en": "Home store"},
        "page.wallet.inbox": {"zh-CN": "消息", "en": "Messages"},
        "page.wallet.inbox_empty": {"zh-CN": "暂无消息", "en": "No messages yet"},
        "page.wallet.new": {"zh-CN": "新", "en": "New"},
        "page.wallet.open": {"zh-CN": "查看", "en": "Open"},
        "page.wallet.referral": {"zh-CN": "邀请好友", "en": "Invite a friend"},
        "page.wallet.referral_hint": {
            "zh-CN": "好友扫描下方二维码或打开链接关注门店，首次消费后您将获得奖励。",
            "en": "When a friend scans this code (or opens the link) to follow the store, you get a reward after their first purchase.",
        },
        "page.wallet.referred": {"zh-CN": "已邀请 {count} 位好友", "en": "Friends invited: {count}"},
        "page.wallet.push_title": {"zh-CN": "消息提醒", "en": "Notifications"},
        "page.wallet.push_button": {"zh-CN": "开启消息提醒", "en": "Turn on notifications"},
        "page.wallet.push_on": {"zh-CN": "本机已开启消息提醒", "en": "Notifications are on for this device"},
        "page.wallet.push_unsupported": {
            "zh-CN": "当前浏览器不支持消息提醒，门店消息仍会显示在上方“消息”中。",
            "en": "This browser cannot show notifications; messages from the store still appear under Messages above.",
        },
        "page.wallet.push_denied": {
            "zh-CN": "通知权限已被拒绝，可在浏览器设置中开启。",
            "en": "Notifications are blocked; you can allow them in the browser's settings.",
        },
        "page.wallet.push_failed": {"zh-CN": "开启失败，请稍后再试", "en": "Could not turn them on; try again later"},
        "page.wallet.push_nojs": {
            "zh-CN": "消息提醒需要浏览器开启 JavaScript；门店消息会一直显示在上方“消息”中。",
            "en": "Notifications need JavaScript; messages from the store always appear under Messages above.",
        },
        "page.wallet.bookmark": {
            "zh-CN": "请收藏本页，或保存短信中的链接，以便随时查看。",
            "en": "Bookmark this page (or keep the link from your text message) to come back any time.",
        },
        "page.wallet.privacy": {"zh-CN": "隐私与数据", "en": "Privacy and your data"},
        "page.wallet.marketing_on": {"zh-CN": "优惠和关怀消息：已开启", "en": "Offers and care messages: on"},
        "page.wallet.marketing_off": {"zh-CN": "优惠和关怀消息：已关闭", "en": "Offers and care messages: off"},
        "page.wallet.turn_off": {"zh-CN": "关闭", "en": "Turn off"},
        "page.wallet.turn_on": {"zh-CN": "开启", "en": "Turn on"},
        "page.wallet.export": {"zh-CN": "导出我的数据（JSON）", "en": "Download my data (JSON)"},
        "page.wallet.delete": {"zh-CN": "申请删除我的个人信息", "en": "Ask to delete my personal data"},
        "page.wallet.delete_confirm": {
            "zh-CN": "我确认删除：删除后电子券、积分和消息将无法找回",
            "en": "I understand: coupons, points and messages cannot be recovered afterwards",
        },
        "page.wallet.delete_pending": {
            "zh-CN": "您的删除申请已提交，系统将自动处理（最迟 {due} 完成）。完成后本页将无法打开。",
            "en": "Your request is queued and runs automatically (by {due} at the latest). This page stops working afterwards.",
        },
        "page.wallet.notice": {"zh-CN": "个人信息处理规则", "en": "Privacy notice"},
        "page.wallet.saved": {"zh-CN": "已保存", "en": "Saved"},
        "page.wallet.followed": {"zh-CN": "关注成功，欢迎您！", "en": "You are now following the store. Welcome!"},
        "page.privacy.title": {"zh-CN": "个人信息处理规则", "en": "Privacy notice"},
    }
)
