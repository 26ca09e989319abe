from regulars.core.i18n import register

register(
    {
        "points.insufficient": {
            "zh-CN": "积分不足：余额 {balance}，需要 {points}",
            "en": "Not enough points: balance {balance}, {points} needed",
        },
        "points.not_exchangeable": {
            "zh-CN": "券模板 {name} 不能用积分兑换",
            "en": "Coupon template {name} cannot be exchanged for points",
        },
        "points.adjust_zero": {"zh-CN": "调整积分不能为 0", "en": "An adjustment cannot be 0 points"},
        "points.exchange_price": {
            "zh-CN": "兑换所需积分 {points} 无效",
            "en": "{points} is not a valid points price",
        },
        "points.exchange_done": {
            "zh-CN": "兑换 {reference} 已完成，不能重复",
            "en": "Exchange {reference} has already been made",
        },
        "points.unknown_bonus": {"zh-CN": "未知的奖励类型：{value}", "en": "Unknown bonus: {value}"},
        "points.grant_not_found": {"zh-CN": "批量赠送任务 {id} 不存在", "en": "Bulk grant {id} does not exist"},
        "points.rule_scope": {
            "zh-CN": "店长只能设置本店的积分规则；全网规则由区域管理员设置",
            "en": "Managers set their own store's rule; the chain's rule is the admin's",
        },
        "timeline.points_earn": {"zh-CN": "积分 {delta}，余额 {balance}", "en": "Points {delta}, balance {balance}"},
        "timeline.points_redeem": {
            "zh-CN": "积分兑换 {delta}，余额 {balance}",
            "en": "Points exchanged {delta}, balance {balance}",
        },
        "timeline.points_expire": {
            "zh-CN": "积分过期 {delta}，余额 {balance}",
            "en": "Points expired {delta}, balance {balance}",
        },
        "timeline.points_adjust": {
            "zh-CN": "积分调整 {delta}（{reason}），余额 {balance}",
            "en": "Points adjusted {delta} ({reason}), balance {balance}",
        },
        "timeline.points_reverse": {
            "zh-CN": "积分冲回 {delta}，余额 {balance}",
            "en": "Points reversed {delta}, balance {balance}",
        },
    }
)
