from regulars.core.i18n import register

register(
    {
        "channel.not_found": {"zh-CN": "渠道码 {id} 不存在", "en": "Channel code {id} does not exist"},
        "channel.clerk_required": {
            "zh-CN": "店员码须指定本店在职店员",
            "en": "A clerk code needs an active clerk of the store",
        },
        "channel.clerk_not_in_store": {
            "zh-CN": "店员 {id} 不在该门店或已停用",
            "en": "Clerk {id} is not active in that store",
        },
        "channel.store_required": {
            "zh-CN": "区域管理员须指定门店",
            "en": "Admins must name the store",
        },
        "channel.other_store": {"zh-CN": "只能为本店创建渠道码", "en": "You can only create codes for your own store"},
        "channel.welcome_template": {
            "zh-CN": "券模板 {id} 不存在、已停用或不可用于本店",
            "en": "Coupon template {id} does not exist, is inactive or not available to this store",
        },
        "channel.reward_only_referral": {
            "zh-CN": "只有“老带新”推荐码可以设置推荐奖励券",
            "en": "Only the store's referral code has a referral reward coupon",
        },
        "channel.window": {
            "zh-CN": "结束时间须晚于开始时间",
            "en": "The end must be later than the start",
        },
        "follow.notice_changed": {
            "zh-CN": "隐私政策已更新，请阅读后重新提交",
            "en": "The privacy notice has changed; please read it and submit again",
        },
        "follow.service_consent_required": {
            "zh-CN": "需同意《个人信息处理规则》才能关注",
            "en": "You need to agree to the privacy notice to follow",
        },
        "follow.age_required": {
            "zh-CN": "未满 14 周岁不能关注，请由监护人办理",
            "en": "You must be 14 or older to follow; please ask a parent or guardian",
        },
        "follow.closed": {"zh-CN": "该二维码已失效", "en": "This QR code is no longer valid"},
        "otp.too_soon": {
            "zh-CN": "验证码发送太频繁，请 {retry_after} 秒后再试",
            "en": "Codes were sent too often; try again in {retry_after} s",
        },
        "otp.wrong": {"zh-CN": "验证码不正确", "en": "The code is not correct"},
        "sms.store_join": {
            "zh-CN": "【{brand}】验证码 {code}：店员正在为您办理成为本店客户，请把验证码告诉店员，{minutes} 分钟内有效。"
                     "如您不在店内，请勿告诉任何人。",
            "en": "[{brand}] Code {code}: a clerk is adding you to this store's customers; tell the clerk this code. "
                  "Valid for {minutes} minutes. If you are not in the store, do not share it.",
        },
        "join.too_many": {
            "zh-CN": "今天发出的入店验证码已达上限，请明天再试，或请店长办理",
            "en": "You have sent as many joining codes as allowed today; try again tomorrow or ask the manager",
        },
        "join.code_needed": {
            "zh-CN": "请输入客户手机收到的验证码",
            "en": "Enter the code the customer received by text message",
        },
        "otp.expired": {"zh-CN": "验证码已过期，请重新获取", "en": "The code has expired; please get a new one"},
        "otp.used_up": {
            "zh-CN": "错误次数过多，请重新获取验证码",
            "en": "Too many wrong codes; please get a new one",
        },
        "otp.unknown": {"zh-CN": "验证码无效，请重新获取", "en": "This code is not valid; please get a new one"},
        "otp.send_failed": {
            "zh-CN": "短信发送失败，请稍后再试",
            "en": "The text message could not be sent; please try again later",
        },
        "wallet.not_found": {"zh-CN": "链接无效", "en": "This link is not valid"},
        "wallet.export_limit": {
            "zh-CN": "今天导出次数已达上限，请明天再试",
            "en": "You have reached today's export limit; try again tomorrow",
        },
        "counter.token_unknown": {"zh-CN": "核销二维码无效", "en": "This redemption QR code is not valid"},
        "counter.token_expired": {
            "zh-CN": "核销二维码已过期，请扫描柜台上最新的二维码",
            "en": "This redemption QR code has expired; please scan the one the counter shows now",
        },
        "counter.token_used": {
            "zh-CN": "该核销二维码已使用，请扫描柜台上最新的二维码",
            "en": "This redemption QR code was already used; please scan the one the counter shows now",
        },
        "redeem.bad_spend": {
            "zh-CN": "请填写本次消费的金额（元），例如 120 或 99.50",
            "en": "Enter this purchase's amount in yuan, for example 120 or 99.50",
        },
        "redeem.not_a_customer": {
            "zh-CN": "该手机号还不是会员，请先扫描门店二维码关注",
            "en": "This number is not a member yet; please follow the store by scanning its QR code first",
        },
        "counter.no_store": {"zh-CN": "只有门店员工可以展示核销二维码", "en": "Only store staff can show a redemption QR code"},
        "timeline.followed": {
            "zh-CN": "通过「{channel}」关注{store}",
            "en": "Followed {store} via “{channel}”",
        },
        "timeline.refollowed": {
            "zh-CN": "再次通过「{channel}」关注{store}",
            "en": "Followed {store} again via “{channel}”",
        },
        "timeline.referral_rewarded": {
            "zh-CN": "好友 {phone} 首次消费，获得推荐奖励",
            "en": "Referral reward: friend {phone} made a first purchase",
        },
        "timeline.referral_taken_back": {
            "zh-CN": "好友 {phone} 的首次消费已全额退款，推荐奖励收回（积分 {points}）",
            "en": "Friend {phone}'s first purchase was refunded in full: the referral reward was taken back ({points} points)",
        },
        "referral.reward_title": {"zh-CN": "推荐奖励已到账", "en": "Your referral reward has arrived"},
        "referral.reward_body": {
            "zh-CN": "您推荐的好友 {phone} 已完成首次消费，感谢您的推荐！奖励已放入您的会员页。",
            "en": "Your friend {phone} made a first purchase. Thank you! Your reward is in your wallet.",
        },
        "timeline.referred": {"zh-CN": "推荐好友 {phone} 关注", "en": "Brought in a friend, {phone}"},
        "acquisition.deletion_alert_title": {
            "zh-CN": "客户申请删除个人信息",
            "en": "A customer asked for erasure",
        },
        "acquisition.deletion_alert_body": {
            "zh-CN": "客户 {phone}（编号 {id}）申请删除个人信息，系统将自动处理（最迟 {due}）。",
            "en": "Customer {phone} (id {id}) asked for erasure; it runs automatically (by {due} at the latest).",
        },
    }
)
