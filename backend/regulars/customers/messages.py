from regulars.core.i18n import register

register(
    {
        "customer.not_found": {"zh-CN": "客户 {id} 不存在", "en": "Customer {id} does not exist"},
        "customer.phone_invalid": {
            "zh-CN": "手机号 {value} 不是有效的中国大陆手机号（11 位，以 1 开头）",
            "en": "{value} is not a valid mainland mobile number (11 digits starting with 1)",
        },
        "customer.phone_exists": {
            "zh-CN": "手机号 {phone} 已是客户（编号 {existing_id}）",
            "en": "Phone {phone} is already a customer (id {existing_id})",
        },
        "customer.phone_unknown": {"zh-CN": "手机号 {phone} 还不是客户", "en": "Phone {phone} is not a customer yet"},
        "customer.birthday_invalid": {"zh-CN": "生日 {value} 不存在", "en": "Birthday {value} does not exist"},
        "customer.birth_year": {"zh-CN": "出生年份 {value} 不合理", "en": "Birth year {value} is not plausible"},
        "customer.tag_too_long": {
            "zh-CN": "标签 {value}… 太长（最多 {max} 字）",
            "en": "Tag {value}… is too long (max {max} characters)",
        },
        "customer.too_many_tags": {"zh-CN": "标签太多（最多 {max} 个）", "en": "Too many tags (max {max})"},
        "customer.language": {"zh-CN": "消息语言只能是 zh-CN 或 en", "en": "The message language must be zh-CN or en"},
        "customer.home_store": {
            "zh-CN": "只能为本店建档；区域管理员需指定归属门店",
            "en": "You can only create customers for your own store; admins must name the home store",
        },
        "customer.clerk_not_in_store": {
            "zh-CN": "店员 {id} 不在归属门店或已停用",
            "en": "Clerk {id} is not active in the home store",
        },
        "customer.handover_same": {"zh-CN": "交接双方不能是同一人", "en": "Cannot hand over to the same clerk"},
        "customer.handover_clerk": {
            "zh-CN": "店员 {id} 不在本店或已停用",
            "en": "Clerk {id} is not active in this store",
        },
        "import.unreadable": {
            "zh-CN": "无法读取文件 {filename}：{problem}",
            "en": "Cannot read {filename}: {problem}",
        },
        "import.missing_columns": {
            "zh-CN": "缺少必需的列：{columns}",
            "en": "Required columns are missing: {columns}",
        },
        "import.duplicate_in_file": {
            "zh-CN": "与第 {row} 行是同一手机号，以第 {row} 行为准",
            "en": "Same phone as row {row}; row {row} is the one imported",
        },
        "import.customer_of_other_store": {
            "zh-CN": "手机号 {phone} 已是其他门店的客户",
            "en": "Phone {phone} is already a customer of another store",
        },
        "import.not_found": {"zh-CN": "导入任务 {id} 不存在", "en": "Import {id} does not exist"},
        "import.too_large": {"zh-CN": "文件太大（最大 {max} MB）", "en": "File too large (max {max} MB)"},
        "import.bad_date": {"zh-CN": "日期 {value} 无法识别或不存在", "en": "Date {value} is not a valid date"},
        "import.bad_money": {"zh-CN": "金额 {value} 不是数字", "en": "Amount {value} is not a number"},
        "import.bad_number": {"zh-CN": "{value} 不是整数", "en": "{value} is not a whole number"},
        "import.bad_choice": {"zh-CN": "{value} 不是可选值（{choices}）", "en": "{value} is not one of {choices}"},
        "import.unknown_store": {"zh-CN": "营业厅编码 {value} 不存在", "en": "Store code {value} does not exist"},
        "import.other_store": {
            "zh-CN": "营业厅 {value} 不是本店，无权导入",
            "en": "Store {value} is not your store",
        },
        "timeline.created": {"zh-CN": "建档", "en": "Profile created"},
        "timeline.updated": {"zh-CN": "资料更新：{fields}", "en": "Profile updated: {fields}"},
        "timeline.note": {"zh-CN": "备注：{text}", "en": "Note: {text}"},
        "timeline.consent": {"zh-CN": "授权变更：{purpose}{state}", "en": "Consent changed: {purpose} {state}"},
        "consent.purpose.service": {"zh-CN": "会员服务", "en": "member service"},
        "consent.purpose.marketing": {"zh-CN": "优惠与活动信息", "en": "offers and events"},
        "consent.state.granted": {"zh-CN": "已同意", "en": "granted"},
        "consent.state.withdrawn": {"zh-CN": "已撤回", "en": "withdrawn"},
        "timeline.handover": {
            "zh-CN": "客户交接：{from_name} → {to_name}",
            "en": "Handed over: {from_name} → {to_name}",
        },
        "timeline.erasure_requested": {"zh-CN": "申请删除个人信息", "en": "Asked for their data to be deleted"},
        "timeline.followed_in_store": {"zh-CN": "在门店加入本店客户", "en": "Joined this store at the counter"},
        "timeline.imported": {"zh-CN": "从 {filename} 导入", "en": "Imported from {filename}"},
    }
)
