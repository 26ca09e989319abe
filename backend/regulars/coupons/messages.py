from regulars.core.i18n import register

register(
    {
        "coupon.template_not_found": {"zh-CN": "券模板 {id} 不存在", "en": "Coupon template {id} does not exist"},
        "coupon.template_not_yours": {
            "zh-CN": "券模板 {id} 属于总部或其他门店，只能由其所有者修改",
            "en": "Coupon template {id} belongs to the chain or another store; only its owner can change it",
        },
        "coupon.template_inactive": {
            "zh-CN": "券模板「{name}」已停用，不能发券",
            "en": "Coupon template “{name}” is inactive; no coupons can be issued",
        },
        "coupon.template_ended": {
            "zh-CN": "券模板「{name}」的有效期已于 {until} 结束，不能再发券",
            "en": "Coupon template “{name}” ended on {until}; no more coupons can be issued",
        },
        "coupon.stock_exhausted": {
            "zh-CN": "券「{name}」已发完（共 {stock} 张）",
            "en": "Coupon “{name}” is out of stock (all {stock} issued)",
        },
        "coupon.customer_limit": {
            "zh-CN": "该客户已领取券「{name}」{limit} 张，达到每人上限",
            "en": "This customer already has {limit} of “{name}”, the per-customer limit",
        },
        "coupon.kind_value": {
            "zh-CN": "券类型 {kind} 需要填写 {field}",
            "en": "Coupon kind {kind} needs {field}",
        },
        "coupon.kind_extra": {
            "zh-CN": "券类型 {kind} 不使用 {field}",
            "en": "Coupon kind {kind} does not use {field}",
        },
        "coupon.validity": {
            "zh-CN": "有效期须为固定时段（开始早于结束）或自发券起 N 天，二者选一",
            "en": "Validity is either a fixed window (start before end) or N days from issue, not both",
        },
        "coupon.window_past": {
            "zh-CN": "有效期结束时间 {until} 已过",
            "en": "The validity window ends in the past ({until})",
        },
        "coupon.store_list": {
            "zh-CN": "适用门店为“指定门店”时须列出至少一家门店，且门店须存在（{ids}）",
            "en": "Scope 'list' needs at least one existing store ({ids})",
        },
        "coupon.stock_below_issued": {
            "zh-CN": "库存 {stock} 少于已发数量 {issued}",
            "en": "Stock {stock} is less than the {issued} already issued",
        },
        "coupon.template_store": {
            "zh-CN": "店长只能为本店建券；区域管理员可建全公司通用券或指定门店",
            "en": "Managers create templates for their own store; admins for the chain or a named store",
        },
        "coupon.not_found": {"zh-CN": "券 {code} 不存在", "en": "Coupon {code} does not exist"},
        "coupon.code_incomplete": {
            "zh-CN": "券码 {code} 不完整：少了最后一位，请核对券上的完整券码",
            "en": "The code {code} is missing its last character; please type the whole code shown on the coupon",
        },
        "coupon.code_throttled": {
            "zh-CN": "查找不存在的券码次数过多，请 {retry_after} 秒后再试",
            "en": "Too many unknown coupon codes; try again in {retry_after} s",
        },
        "coupon.id_not_found": {"zh-CN": "券 {id} 不存在", "en": "Coupon {id} does not exist"},
        "coupon.already_redeemed": {
            "zh-CN": "券 {code} 已于 {at} 在 {store} 核销",
            "en": "Coupon {code} was already redeemed at {store} on {at}",
        },
        "coupon.expired": {
            "zh-CN": "券 {code} 已于 {at} 过期",
            "en": "Coupon {code} expired on {at}",
        },
        "coupon.void": {"zh-CN": "券 {code} 已作废", "en": "Coupon {code} is void"},
        "coupon.not_yet_valid": {
            "zh-CN": "券 {code} 自 {at} 起才可使用",
            "en": "Coupon {code} can be used from {at}",
        },
        "coupon.wrong_store": {
            "zh-CN": "券 {code} 不适用于本店（适用：{stores}）",
            "en": "Coupon {code} is not valid in this store (valid at: {stores})",
        },
        "coupon.purchase_mismatch": {
            "zh-CN": "消费记录 {id} 不存在或不是此券持有人的消费，不能关联到这次核销",
            "en": "Purchase {id} does not exist or is not the coupon holder's; it cannot be linked to this redemption",
        },
        "coupon.min_spend": {
            "zh-CN": "券 {code} 需消费满 {min_yuan} 元才可使用（本次 {spend_yuan} 元）",
            "en": "Coupon {code} needs a spend of at least ¥{min_yuan} (this one: ¥{spend_yuan})",
        },
        "coupon.spend_needed": {
            "zh-CN": "券 {code} 满 {min_yuan} 元可用：请填写本次消费金额",
            "en": "Coupon {code} applies from a spend of ¥{min_yuan}: enter this purchase's amount",
        },
        "coupon.redeem_store": {
            "zh-CN": "核销须在门店进行：请指定门店",
            "en": "A redemption happens in a store: name the store",
        },
        "coupon.not_redeemed": {
            "zh-CN": "券 {code} 当前未核销，无需撤销",
            "en": "Coupon {code} is not redeemed; there is nothing to reverse",
        },
        "coupon.reverse_window": {
            "zh-CN": "券 {code} 核销已超过 {minutes} 分钟，不能撤销",
            "en": "Coupon {code} was redeemed more than {minutes} minutes ago and cannot be reversed",
        },
        "coupon.reverse_store": {
            "zh-CN": "券 {code} 在其他门店核销，只有该店店长可以撤销",
            "en": "Coupon {code} was redeemed in another store; only that store's manager can reverse it",
        },
        "coupon.bulk_not_found": {"zh-CN": "批量发券任务 {id} 不存在", "en": "Bulk issue {id} does not exist"},
        "coupon.bulk_target": {
            "zh-CN": "请给出客户编号列表或搜索条件（二者选一）",
            "en": "Give either a list of customer ids or a search query",
        },
        "coupon.bulk_too_many": {
            "zh-CN": "一次最多向 {max} 位客户发券",
            "en": "At most {max} customers per bulk issue",
        },
        "coupon.scope.chain": {"zh-CN": "全部门店", "en": "all stores"},
        "timeline.coupon_issued": {
            "zh-CN": "获得电子券「{name}」（{code}）",
            "en": "Received coupon “{name}” ({code})",
        },
        "timeline.coupon_redeemed": {
            "zh-CN": "在 {store} 核销电子券「{name}」（{code}）",
            "en": "Redeemed coupon “{name}” ({code}) at {store}",
        },
        "timeline.coupon_reversed": {
            "zh-CN": "撤销电子券「{name}」（{code}）的核销：{reason}",
            "en": "Redemption of coupon “{name}” ({code}) reversed: {reason}",
        },
        "timeline.coupon_expired": {
            "zh-CN": "电子券「{name}」（{code}）已过期",
            "en": "Coupon “{name}” ({code}) expired",
        },
    }
)
