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
        "customer.changed_meanwhile": {
            "zh-CN": "你看到这份资料之后，{fields}已被他人修改；请选择保留对方的还是你的",
            "en": "Someone else changed {fields} after you last saw this profile; choose whether to keep theirs or yours",
        },
        "customer.expected_unsent": {
            "zh-CN": "expected 只能给出本次要修改的字段的原值；{name}本次没有修改",
            "en": "expected may only give the previous values of fields being changed; {name} is not being changed",
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
        "import.file_missing": {"zh-CN": "请选择要导入的文件", "en": "Attach the file to import"},
        "import.empty_file": {
            "zh-CN": "文件 {filename} 是空的，没有表头行；请导出带表头的文件再导入",
            "en": "{filename} is empty: it has no header row; export it with its header row and import it again",
        },
        "import.bad_encoding": {
            "zh-CN": "文件 {filename} 的编码不受支持（支持 UTF-8、GBK 和 Excel 的“Unicode 文本”）；请在 Excel 中另存为“CSV UTF-8”再导入",
            "en": "{filename} is not in a supported encoding (UTF-8, GBK, or Excel's Unicode text); "
                  "save it from Excel as \"CSV UTF-8\" and import it again",
        },
        "import.old_excel": {
            "zh-CN": "文件 {filename} 是旧版 Excel（.xls）格式；请在 Excel 中另存为 .xlsx 或“CSV UTF-8”再导入",
            "en": "{filename} is an old Excel (.xls) workbook; save it from Excel as .xlsx or \"CSV UTF-8\" and import it again",
        },
        "import.bad_xlsx": {
            "zh-CN": "文件 {filename} 不是有效的 Excel（.xlsx）文件；请重新导出，或另存为“CSV UTF-8”再导入",
            "en": "{filename} is not a valid Excel (.xlsx) workbook; export it again, or save it as \"CSV UTF-8\" and import that",
        },
        "import.bad_csv": {
            "zh-CN": "文件 {filename} 第 {line} 行无法按 CSV 读取（单元格过长或引号不成对）",
            "en": "Line {line} of {filename} cannot be read as CSV (a cell too long or an unmatched quote)",
        },
        "import.interrupted": {
            "zh-CN": "导入因系统错误中断；已导入的行已保存，稍后再导入同一文件不会重复导入",
            "en": "The import stopped on a system error; rows already imported are kept, and importing the same file "
                  "again later does not repeat them",
        },
        "import.row_failed": {
            "zh-CN": "这一行未能导入（其他行不受影响）；请检查这一行后再导入，仍不成功请联系管理员",
            "en": "This row could not be imported (the other rows were not affected); check it and import again, "
                  "and tell your administrator if it keeps failing",
        },
        "import.bad_value": {"zh-CN": "无法识别 {value}，请检查这一格", "en": "{value} is not recognised; check this cell"},
        "import.bad_date": {"zh-CN": "日期 {value} 无法识别或不存在", "en": "Date {value} is not a valid date"},
        "import.bad_money": {"zh-CN": "金额 {value} 不是数字", "en": "Amount {value} is not a number"},
        "import.money_range": {
            "zh-CN": "金额 {value} 超出范围（{low} 至 {high} 元）",
            "en": "Amount {value} is out of range ({low} to {high} yuan)",
        },
        "import.money_precision": {
            "zh-CN": "金额 {value} 最多两位小数（精确到分）",
            "en": "Amount {value} has more than two decimals (fen are the smallest unit)",
        },
        "import.bad_thousands": {
            "zh-CN": "金额 {value} 的逗号位置不对：逗号只能用作千位分隔（如 1,299.00），小数点请用“.”",
            "en": "Amount {value} has a comma out of place: commas may only separate thousands (as in 1,299.00), "
                  "and decimals take a point",
        },
        "import.unknown_column": {
            "zh-CN": "表头“{column}”不是可导入的列，这一列已忽略（可导入的列：{columns}）",
            "en": "Column “{column}” is not one that can be imported and was ignored (columns read: {columns})",
        },
        "import.upload_too_large": {
            "zh-CN": "文件超过 {max} MB，无法导入；请分成几个较小的文件分别导入",
            "en": "The file is larger than {max} MB and cannot be imported; split it into smaller files and import each",
        },
        "import.bad_number": {"zh-CN": "{value} 不是整数", "en": "{value} is not a whole number"},
        "import.number_range": {"zh-CN": "{value} 超出范围（{low} 至 {high}）", "en": "{value} is out of range ({low} to {high})"},
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
        "profile.field.phone": {"zh-CN": "手机号", "en": "phone"},
        "profile.field.name": {"zh-CN": "姓名", "en": "name"},
        "profile.field.gender": {"zh-CN": "性别", "en": "gender"},
        "profile.field.birthday": {"zh-CN": "生日", "en": "birthday"},
        "profile.field.occupation": {"zh-CN": "职业", "en": "occupation"},
        "profile.field.interests": {"zh-CN": "兴趣爱好", "en": "interests"},
        "profile.field.tags": {"zh-CN": "标签", "en": "tags"},
        "profile.field.plan": {"zh-CN": "套餐", "en": "plan"},
        "profile.field.monthly_spend_fen": {"zh-CN": "月均消费", "en": "monthly spend"},
        "profile.field.device_model": {"zh-CN": "手机型号", "en": "phone model"},
        "profile.field.device_purchased_on": {"zh-CN": "购机日期", "en": "phone bought on"},
        "profile.field.contract_end_on": {"zh-CN": "合约到期日", "en": "contract end"},
        "profile.field.broadband": {"zh-CN": "家庭宽带", "en": "home broadband"},
        "profile.field.family_lines": {"zh-CN": "副卡/家庭成员数", "en": "family lines"},
        "profile.field.network_joined_on": {"zh-CN": "入网时间", "en": "joined the network on"},
        "profile.field.arrears_fen": {"zh-CN": "欠费金额", "en": "arrears"},
        "profile.field.notes": {"zh-CN": "备注", "en": "notes"},
        "profile.field.language": {"zh-CN": "消息语言", "en": "language of messages"},
        "profile.field.home_store": {"zh-CN": "归属门店", "en": "home store"},
        "profile.field.responsible_clerk": {"zh-CN": "负责店员", "en": "responsible clerk"},
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
