from regulars.core.i18n import register

register(
    {
        "purchase.not_found": {"zh-CN": "消费记录 {id} 不存在", "en": "Purchase {id} does not exist"},
        "purchase.store": {
            "zh-CN": "只能记录本店的消费；区域管理员需指定门店",
            "en": "You can only record purchases in your own store; admins must name the store",
        },
        "purchase.clerk_not_in_store": {
            "zh-CN": "店员 {id} 不在该门店或已停用",
            "en": "Clerk {id} is not active in this store",
        },
        "purchase.future": {"zh-CN": "办理时间 {value} 在将来", "en": "Time {value} is in the future"},
        "purchase.category": {
            "zh-CN": "请选择消费类别（套餐、终端、配件、服务、缴费）",
            "en": "Choose a category (plan, device, accessory, service, bill_payment)",
        },
        "purchase.visit_kind": {
            "zh-CN": "到店记录须注明类型（缴费、售后、咨询、投诉）",
            "en": "A visit needs its kind (bill_payment, after_sales, consultation, complaint)",
        },
        "purchase.visit_has_money": {
            "zh-CN": "到店记录不含金额、类别或退款；有金额请记为消费",
            "en": "A visit has no amount, category or refund; record a purchase instead",
        },
        "purchase.visit_kind_on_purchase": {
            "zh-CN": "消费记录不能带到店类型",
            "en": "A purchase cannot have a visit kind",
        },
        "purchase.refund_positive": {
            "zh-CN": "退款金额须为负数",
            "en": "A refund's amount must be negative",
        },
        "purchase.refund_of_unknown": {
            "zh-CN": "原消费记录 {id} 不存在或不属于该客户",
            "en": "Purchase {id} does not exist or is not this customer's",
        },
        "purchase.refund_too_much": {
            "zh-CN": "退款超过原消费 {id} 的可退金额（剩余 ¥{left}）",
            "en": "The refund exceeds what is left of purchase {id} (¥{left})",
        },
        "purchase.external_exists": {
            "zh-CN": "订单号 {external_id} 已记录（消费记录 {existing_id}）",
            "en": "Order {external_id} is already recorded (purchase {existing_id})",
        },
        "purchase.unknown_phone": {
            "zh-CN": "手机号 {phone} 还不是客户，请先建档再导入",
            "en": "{phone} is not a customer yet; create the profile, then import again",
        },
        "purchase.customer_out_of_reach": {
            "zh-CN": "手机号 {phone} 不是本店客户",
            "en": "{phone} is not a customer of your store",
        },
        "purchase.order_differs": {
            "zh-CN": "订单号 {external_id} 已导入，但内容不同（未更改）",
            "en": "Order {external_id} was imported before with different content (left unchanged)",
        },
        "import.bad_time": {
            "zh-CN": "时间 {value} 无法识别（应为 2026-01-02 17:21:00）",
            "en": "Time {value} is not recognised (expected 2026-01-02 17:21:00)",
        },
        "import.required": {"zh-CN": "{column} 不能为空", "en": "{column} is required"},
        "import.too_old": {
            "zh-CN": "办理时间 {value} 早于 {earliest}，请检查年份",
            "en": "Time {value} is before {earliest}; check the year",
        },
        "timeline.purchase": {
            "zh-CN": "第 {seq} 笔消费 ¥{amount}（{category_zh}），积分 +{points}",
            "en": "Purchase #{seq}: ¥{amount} ({category_en}), +{points} points",
        },
        "timeline.refund": {
            "zh-CN": "退款 ¥{amount}（{category_zh}），积分 {points}",
            "en": "Refund ¥{amount} ({category_en}), points {points}",
        },
        "timeline.visit": {"zh-CN": "到店：{visit_zh}", "en": "Visit: {visit_en}"},
    }
)
