from regulars.core.i18n import register

register(
    {
        "auth.bad_credentials": {"zh-CN": "用户名或密码错误", "en": "Wrong username or password"},
        "auth.throttled": {
            "zh-CN": "登录失败次数过多，请 {retry_after} 秒后再试",
            "en": "Too many failed logins; try again in {retry_after} s",
        },
        "store.not_found": {"zh-CN": "门店 {id} 不存在", "en": "Store {id} does not exist"},
        "store.code_taken": {"zh-CN": "门店编码 {code} 已被使用", "en": "Store code {code} is already in use"},
        "store.timezone": {"zh-CN": "未知时区：{value}", "en": "Unknown time zone: {value}"},
        "store.grade": {"zh-CN": "门店等级只能是 A、B 或 C，不能是 {value}", "en": "A store grade is A, B or C, not {value}"},
        "staff.not_found": {"zh-CN": "员工 {id} 不存在", "en": "Staff member {id} does not exist"},
        "staff.username_taken": {"zh-CN": "用户名 {username} 已被使用", "en": "Username {username} is already in use"},
        "staff.employee_no_taken": {"zh-CN": "工号 {value} 已被使用", "en": "Employee number {value} is already in use"},
        "staff.store_required": {
            "zh-CN": "店员和店长必须归属一个门店",
            "en": "Clerks and managers must belong to a store",
        },
        "staff.manager_scope": {
            "zh-CN": "店长只能管理本店的店员",
            "en": "A store manager can only manage clerks of their own store",
        },
        "staff.self_deactivate": {"zh-CN": "不能停用自己的账号", "en": "You cannot deactivate your own account"},
        "staff.last_admin": {
            "zh-CN": "{name} 是最后一位在用的管理员，不能改为其他角色或停用：请先让另一位员工成为管理员",
            "en": "{name} is the last active admin and cannot lose the role or be deactivated; make someone else an admin first",
        },
        "staff.not_in_store": {
            "zh-CN": "店员 {id} 不在该门店或已停用",
            "en": "Clerk {id} is not active in that store",
        },
    }
)
