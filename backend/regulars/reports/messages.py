from regulars.core.i18n import register

register(
    {
        "report.not_found": {"zh-CN": "报表 {name} 不存在", "en": "Report {name} does not exist"},
        "report.bad_date": {"zh-CN": "日期 {value} 格式应为 YYYY-MM-DD", "en": "Date {value} must be YYYY-MM-DD"},
        "report.bad_range": {"zh-CN": "开始日期不能晚于结束日期", "en": "The start date is after the end date"},
        "report.range_too_long": {"zh-CN": "时间范围最长 {days} 天", "en": "The date range is at most {days} days"},
        "report.store": {"zh-CN": "只能查看本店的报表", "en": "You can only see your own store's reports"},
        "report.col.store": {"zh-CN": "门店", "en": "Store"},
        "report.col.customers": {"zh-CN": "客户数", "en": "Customers"},
        "report.col.avg_completeness": {"zh-CN": "平均完整度", "en": "Average completeness"},
        "report.col.with_birthday": {"zh-CN": "有生日", "en": "With birthday"},
        "report.col.with_plan": {"zh-CN": "有套餐", "en": "With plan"},
        "report.col.with_device": {"zh-CN": "有终端", "en": "With device"},
        "report.col.service_consent": {"zh-CN": "服务授权", "en": "Service consent"},
        "report.col.marketing_consent": {"zh-CN": "营销授权", "en": "Marketing consent"},
        "report.col.bucket": {"zh-CN": "完整度区间", "en": "Completeness band"},
        "report.title.profiles": {"zh-CN": "客户资料完整度", "en": "Profile completeness"},
    }
)
