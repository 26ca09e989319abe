from regulars.core.i18n import register

register(
    {
        "care.campaign_not_found": {"zh-CN": "活动 {id} 不存在", "en": "Campaign {id} does not exist"},
        "care.segment_not_found": {"zh-CN": "客群 {id} 不存在", "en": "Segment {id} does not exist"},
        "care.season_not_found": {"zh-CN": "季节活动期 {id} 不存在", "en": "Season {id} does not exist"},
        "care.task_not_found": {"zh-CN": "任务 {id} 不存在", "en": "Task {id} does not exist"},
        "care.alert_not_found": {"zh-CN": "预警 {id} 不存在", "en": "Alert {id} does not exist"},
        "care.store_scope": {
            "zh-CN": "店长只能为本店设置；全区活动由区域管理员设置",
            "en": "Managers act for their own store; chain-wide settings belong to region admins",
        },
        "care.chain_campaign": {
            "zh-CN": "全区活动 {id} 只能由区域管理员修改",
            "en": "Chain-wide campaign {id} can only be changed by a region admin",
        },
        "care.no_action": {
            "zh-CN": "活动至少需要一项动作：消息、券、积分或店员任务",
            "en": "A campaign needs at least one action: a message, a coupon, points or a clerk task",
        },
        "care.festival_needed": {
            "zh-CN": "请选择一个节日",
            "en": "Choose a festival",
        },
        "care.season_needed": {
            "zh-CN": "请选择一个季节时段",
            "en": "Choose a season",
        },
        "care.dates_needed": {
            "zh-CN": "指定日期段需要填写开始日期和结束日期",
            "en": "A date range needs both its start and end dates",
        },
        "care.season_day": {
            "zh-CN": "{month} 月没有 {day} 日",
            "en": "Month {month} has no day {day}",
        },
        "care.period_reversed": {
            "zh-CN": "字段 {field}：开始日期 {since} 晚于结束日期 {until}",
            "en": "Field {field}: the start date {since} is after the end date {until}",
        },
        "care.date_range": {
            "zh-CN": "结束日期 {ends_on} 早于开始日期 {starts_on}",
            "en": "End date {ends_on} is before start date {starts_on}",
        },
        "care.template_invalid": {
            "zh-CN": "模板 {language} 的 {part} 有误：{problem}",
            "en": "Template {language} {part} is invalid: {problem}",
        },
        "care.template_language": {
            "zh-CN": "模板需要中文（zh-CN）版本，只支持 zh-CN 与 en",
            "en": "Templates need a zh-CN version; only zh-CN and en are supported",
        },
        "care.time_invalid": {"zh-CN": "时间 {value} 应为 HH:MM", "en": "Time {value} must be HH:MM"},
        "care.status_change": {
            "zh-CN": "活动不能从 {from_status} 改为 {to_status}",
            "en": "A campaign cannot go from {from_status} to {to_status}",
        },
        "care.plan_draft": {
            "zh-CN": "活动「{name}」还是草稿，启动后才能排期",
            "en": "Campaign {name} is a draft; start it before planning it",
        },
        "care.plan_paused": {
            "zh-CN": "活动「{name}」已暂停，恢复后才能排期",
            "en": "Campaign {name} is paused; resume it before planning it",
        },
        "care.plan_ended": {
            "zh-CN": "活动「{name}」已结束，不能再排期",
            "en": "Campaign {name} has ended; it can no longer be planned",
        },
        "care.plan_not_started": {
            "zh-CN": "活动「{name}」的日期是 {dates}，{starts_on} 才开始，开始前不能排期",
            "en": "Campaign {name} runs {dates}: it starts on {starts_on} and cannot be planned before then",
        },
        "care.plan_over": {
            "zh-CN": "活动「{name}」的日期是 {dates}，已于 {ends_on} 结束，不能再排期",
            "en": "Campaign {name} runs {dates}: it ended on {ends_on} and can no longer be planned",
        },
        "care.frozen_after_start": {
            "zh-CN": "活动启动后不能再修改 {field}",
            "en": "{field} cannot change once the campaign has started",
        },
        "care.holiday_year": {"zh-CN": "年份 {value} 超出范围", "en": "Year {value} is out of range"},
        "care.task_open": {
            "zh-CN": "任务 {id} 还没有记录结果，无需更正",
            "en": "Task {id} has no outcome yet to correct",
        },
        "care.task_correct_window": {
            "zh-CN": "任务 {id} 的结果只能由记录人在 {minutes} 分钟内更正，请联系店长",
            "en": "Only whoever recorded task {id}'s outcome can correct it, within {minutes} minutes; ask the manager",
        },
        "care.outcome.reached": {"zh-CN": "已联系", "en": "reached"},
        "care.outcome.no_answer": {"zh-CN": "未接通", "en": "no answer"},
        "care.outcome.interested": {"zh-CN": "有意向", "en": "interested"},
        "care.outcome.declined": {"zh-CN": "婉拒", "en": "declined"},
        "care.outcome.wrong_number": {"zh-CN": "号码错误", "en": "wrong number"},
        "care.outcome.bought": {"zh-CN": "已购买", "en": "bought"},
        "care.task_done": {  # {outcome}: a care.outcome.* term
            "zh-CN": "任务 {id} 已记录结果：{outcome}",
            "en": "Task {id} already has an outcome: {outcome}",
        },
        "care.task_other_clerk": {
            "zh-CN": "任务 {id} 已分配给其他店员",
            "en": "Task {id} belongs to another clerk",
        },
        "care.unknown_channel": {"zh-CN": "渠道 {value} 不存在", "en": "Channel {value} does not exist"},
        "care.greeting_name": {"zh-CN": "尊敬的客户", "en": "valued customer"},
        "care.unsubscribe_line": {"zh-CN": "退订营销消息：{url}", "en": "Unsubscribe: {url}"},
        "care.unsubscribe_title": {"zh-CN": "退订营销消息", "en": "Unsubscribe from marketing messages"},
        "care.unsubscribe_question": {
            "zh-CN": "{store} 将不再向您发送营销消息（服务通知不受影响）。确认退订？",
            "en": "{store} will stop sending you marketing messages (service notices continue). Unsubscribe?",
        },
        "care.unsubscribe_button": {"zh-CN": "确认退订", "en": "Unsubscribe"},
        "care.unsubscribe_done": {
            "zh-CN": "已退订。您可以随时在门店或钱包页重新开启。",
            "en": "You are unsubscribed. You can opt in again in store or on your wallet page.",
        },
        "care.unsubscribe_invalid": {"zh-CN": "链接无效", "en": "This link is not valid"},
        "care.reminder_title": {"zh-CN": "今天有 {n} 个关怀任务", "en": "{n} care tasks for today"},
        "care.reminder_body": {
            "zh-CN": "今天要跟进 {n} 位客户（其中逾期 {overdue} 个），打开「任务」查看话术并记录结果。",
            "en": "{n} customers to follow up today ({overdue} overdue): open Tasks for the scripts and record each outcome.",
        },
        "care.alert_title.warning": {"zh-CN": "门店预警", "en": "Store warning"},
        "care.alert_title.critical": {"zh-CN": "门店严重预警", "en": "Critical store warning"},
        "care.alert.follows_low": {
            "zh-CN": "{store}：{day} 新增关注 {value} 人，低于下限 {threshold}",
            "en": "{store}: {value} follows on {day}, below the floor of {threshold}",
        },
        "care.alert.redemptions_spike": {
            "zh-CN": "{store}：今日核销 {value} 张，远高于日常（约 {threshold}）",
            "en": "{store}: {value} redemptions today, far above the usual {threshold}",
        },
        "care.alert.clerk_idle": {
            "zh-CN": "{store}：店员 {clerk} 已 {value} 天无客户活动（阈值 {threshold} 天）",
            "en": "{store}: clerk {clerk} has had no customer activity for {value} days (threshold {threshold})",
        },
        "care.alert.tasks_overdue": {
            "zh-CN": "{store}：{value} 个关怀任务逾期（阈值 {threshold}）",
            "en": "{store}: {value} care tasks overdue (threshold {threshold})",
        },
        "timeline.care_contact": {
            "zh-CN": "关怀触达：{campaign}（{channel}）",
            "en": "Care contact: {campaign} ({channel})",
        },
        "timeline.care_task_corrected": {
            "zh-CN": "关怀任务结果更正：{before} → {outcome}",
            "en": "Care task outcome corrected: {before} → {outcome}",
        },
        "timeline.care_task": {
            "zh-CN": "关怀任务：{campaign}，结果 {outcome}",
            "en": "Care task: {campaign}, outcome {outcome}",
        },
        "timeline.care_unsubscribed": {
            "zh-CN": "通过 {campaign} 的退订链接退订营销消息",
            "en": "Unsubscribed through the link in {campaign}",
        },
        "care.channel.push": {"zh-CN": "推送", "en": "push"},
        "care.channel.inbox": {"zh-CN": "站内信", "en": "inbox message"},
        "care.channel.sms": {"zh-CN": "短信", "en": "SMS"},
        "care.channel.task": {"zh-CN": "店员任务", "en": "clerk task"},
        "care.channel.action": {"zh-CN": "发券或积分", "en": "coupon or points"},
    }
)
