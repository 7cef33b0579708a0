//! The Chinese text of every error reason Yishe answers with, for station staff and
//! for HIS developers in Chinese hospitals. `{key}` is filled from the error's
//! metadata. A reason missing here is answered in English; a test lists every reason
//! the services use and fails on one that is missing.

/// Every reason with its Simplified Chinese message.
pub(crate) const ZH_CN: &[(&str, &str)] = &[
    // Any call.
    (
        "INVALID_FIELDS",
        "请求中有字段不合规，请按 BadRequest 中列出的字段逐一修改后重试。",
    ),
    (
        "CREDENTIALS_MISSING",
        "未提供身份凭证：请在请求中携带 API 密钥或令牌。",
    ),
    ("CREDENTIALS_MALFORMED", "身份凭证格式不正确。"),
    ("CREDENTIALS_UNKNOWN", "身份凭证无效或已被吊销。"),
    (
        "CREDENTIALS_REJECTED",
        "身份凭证未通过校验（已过期或签名不符）。",
    ),
    (
        "CREDENTIALS_UNAVAILABLE",
        "暂时无法核验身份凭证，请稍后重试。",
    ),
    ("ROLE_NOT_ALLOWED", "您的角色（{role}）无权执行此操作。"),
    ("READ_ONLY_CREDENTIALS", "该密钥为只读密钥，不能修改数据。"),
    ("PERMISSION_DENIED", "无权执行此操作。"),
    ("OVERLOADED", "服务器繁忙，请稍后重试。"),
    (
        "TOO_MANY_FAILED_AUTHENTICATIONS",
        "来自该地址的身份验证失败次数过多，已暂时锁定，请稍后重试。",
    ),
    ("RATE_LIMITED", "该凭证的调用频率超过上限，请稍后重试。"),
    (
        "MESSAGE_TOO_LARGE",
        "请求内容过大（上限 {limit_bytes} 字节）。",
    ),
    ("DATABASE_UNAVAILABLE", "数据库暂时不可用，请稍后重试。"),
    ("DATABASE_BUSY", "数据库繁忙，请稍后重试。"),
    ("UNAVAILABLE", "服务暂时不可用，请稍后重试。"),
    (
        "SHUTTING_DOWN",
        "服务器正在停机，请从最后处理的序号重新连接。",
    ),
    ("STALE_ETAG", "该记录已被他人修改，请重新读取后再操作。"),
    (
        "CONCURRENT_CHANGE",
        "该记录刚被他人修改，请重新读取后再操作。",
    ),
    ("ALREADY_EXISTS", "该记录已存在。"),
    ("NOT_FOUND", "未找到该记录。"),
    ("FAILED_PRECONDITION", "当前状态下不能执行此操作。"),
    ("ABORTED", "操作因并发冲突被中止，请重试。"),
    ("INTERNAL", "服务器内部错误，详情见服务器日志。"),
    // Referrals.
    ("REFERRAL_NOT_FOUND", "未找到该转介，或您无权查看。"),
    (
        "DEPARTMENT_NOT_ALLOWED",
        "该凭证无权以此医院、科室的名义转介。",
    ),
    (
        "REQUEST_ID_REUSED",
        "该 request_id 已用于另一份不同内容的请求。",
    ),
    (
        "CURSOR_AHEAD_OF_FEED",
        "订阅起点超出了事件流的最新序号（{head_sequence}）：数据库可能已从备份恢复，请重新同步后从当前位置订阅。",
    ),
    (
        "CURSOR_EXPIRED",
        "该序号之后的事件已不再保留（最早为 {oldest_sequence}），请重新同步后从当前位置订阅。",
    ),
    (
        "PLACER_ORDER_ID_IN_USE",
        "本院已有一份使用该申请单号的转介尚未结束。",
    ),
    (
        "PRIORITY_CANNOT_BE_LOWERED",
        "转介的紧急程度只能提高，不能降低；当前为{priority}。",
    ),
    (
        "PREVIOUS_REFERRAL_NOT_FOUND",
        "未找到要重新转介的原转介，或您无权查看。",
    ),
    (
        "PREVIOUS_REFERRAL_NOT_REJECTED",
        "只有被服务站拒绝的转介才能重新转介；原转介当前状态为{status}。",
    ),
    ("WRONG_STATUS", "该转介当前状态为{status}，不能执行此操作。"),
    ("SOCIAL_WORKER_NOT_FOUND", "未找到该社工。"),
    ("SOCIAL_WORKER_INACTIVE", "该社工已停用，不能接案。"),
    ("SOCIAL_WORKER_OF_OTHER_STATION", "该社工属于其他服务站。"),
    (
        "CASELOAD_FULL",
        "该社工的在案数已达上限（{caseload_limit}），请分派给其他社工。",
    ),
    (
        "CERTIFICATION_TOO_LOW",
        "此转介需由中级及以上职称的社工承接。",
    ),
    // Assessments and risk flags.
    ("ASSESSMENT_NOT_FOUND", "未找到该评估。"),
    ("ASSESSMENT_VERSION_NOT_FOUND", "未找到该评估的此版本。"),
    ("RISK_FLAG_NOT_FOUND", "未找到该风险标记。"),
    ("INSTRUMENT_NOT_FOUND", "未找到该量表或该量表的此版本。"),
    (
        "NOT_ASSIGNED",
        "只有该转介的责任社工和本站督导可以处理其评估和服务计划。",
    ),
    ("ALREADY_ACKNOWLEDGED", "该风险标记已被确认。"),
    // Service plans.
    ("PLAN_NOT_FOUND", "未找到该服务计划，或您无权查看。"),
    ("PLAN_VERSION_NOT_FOUND", "未找到该服务计划的此版本。"),
    ("GOAL_NOT_FOUND", "该服务计划中没有此目标。"),
    ("INTERVENTION_NOT_FOUND", "该服务计划中没有此介入。"),
    (
        "ASSESSMENT_REQUIRED",
        "服务计划须基于预估：请先为该转介完成一次评估。",
    ),
    (
        "PLAN_EXISTS",
        "该转介已有服务计划（{plan_id}）：请修订该计划，而不是新建。",
    ),
    (
        "WRONG_PLAN_STATE",
        "该服务计划版本当前为“{state}”，不能执行此操作。",
    ),
    (
        "APPROVER_NOT_A_PERSON",
        "服务计划和结案须由督导本人审批：请管理员将此督导凭证关联到其社工档案。",
    ),
    (
        "SELF_APPROVAL",
        "督导不能审批自己撰写的服务计划或自己提出的结案申请。",
    ),
    (
        "APPROVER_LEVEL_TOO_LOW",
        "儿童保护、虐待或忽视个案的服务计划和结案须由中级及以上职称的督导审批。",
    ),
    (
        "PLAN_NOT_APPROVED",
        "服务计划尚未获批（或该项只在草稿中）：获批前不能开始介入或记录进展。",
    ),
    (
        "WRONG_INTERVENTION_STATE",
        "该介入当前为“{state}”，不能改为所请求的状态。",
    ),
    // Follow-ups.
    ("FOLLOW_UP_NOT_FOUND", "未找到该跟进计划，或您无权查看。"),
    (
        "SUPERVISORS_ONLY",
        "已上报督导的跟进和风险安全回访只能由督导改期或取消。",
    ),
    (
        "WRONG_FOLLOW_UP_STATE",
        "该跟进当前为“{state}”，不能执行此操作。",
    ),
    // Volunteer tasks.
    (
        "VOLUNTEER_TASK_NOT_FOUND",
        "未找到该志愿任务，或您无权查看。",
    ),
    ("TASK_ALREADY_CLAIMED", "该任务已被其他志愿服务队接单。"),
    (
        "WRONG_TASK_STATE",
        "该志愿任务当前为“{state}”，不能执行此操作。",
    ),
    (
        "TASK_WITHDRAWN",
        "该任务所属个案已结案，或其介入已完成、已取消或不在生效计划中，不再由志愿者承接。",
    ),
    (
        "VOLUNTEER_INACTIVE",
        "该志愿者或其所在服务队目前不承接任务。",
    ),
    // Directory and keys.
    ("API_KEY_NOT_FOUND", "未找到该 API 密钥。"),
    (
        "VOLUNTEER_TEAM_NOT_FOUND",
        "未找到该志愿服务队（或其已停止承接任务）。",
    ),
    ("VOLUNTEER_NOT_FOUND", "未找到该志愿者。"),
    (
        "KEY_NOT_LINKABLE",
        "只有尚未关联社工档案、且仍然有效的督导密钥可以关联。",
    ),
    ("STATION_NOT_FOUND", "未找到该社工站。"),
    ("PATIENT_NOT_FOUND", "本社工站未保存该患者的任何信息。"),
    (
        "PATIENT_DATA_ERASED",
        "该转介中的患者信息已被删除，无法更正。",
    ),
    (
        "PATIENT_HAS_OPEN_REFERRALS",
        "该患者仍有未结束的转介（{referral_ids}）：请先撤回同意或结案，再删除其信息。",
    ),
    (
        "CONSENT_NOT_GIVEN",
        "该转介基于有正当理由的免同意处理（如儿童保护），没有可撤回的同意。",
    ),
    ("DEPARTMENT_CODE_IN_USE", "该医院已有使用此编码的科室。"),
    (
        "NO_STATION",
        "该凭证不属于任何工作站：报表只能查看本工作站的数据。",
    ),
    (
        "SOCIAL_WORKER_ON_LEAVE",
        "该社工正在休假，不能分派新个案；其在办工作可在待转派清单中转给其他社工。",
    ),
    // Closure and reopening.
    (
        "NOT_ASSIGNED_WORKER",
        "只有该个案的责任社工可以提出或撤回结案申请。",
    ),
    ("CLOSURE_PENDING", "该个案已有待审批的结案申请。"),
    ("CLOSURE_NOT_PENDING", "该个案没有待审批的结案申请。"),
    (
        "PLAN_CHANGED_SINCE_REQUEST",
        "结案申请提出后服务计划已修订：请退回申请，由社工重新标明各目标的结果。",
    ),
    (
        "RISK_FLAGS_UNACKNOWLEDGED",
        "该个案仍有 {count} 个风险标记未经督导确认，不能结案。",
    ),
    (
        "VOLUNTEER_TASKS_OPEN",
        "该个案仍有 {count} 个志愿者任务未完成，请先完成或撤回后再结案。",
    ),
    (
        "PLAN_REVISION_PENDING",
        "服务计划第 {plan_version} 版仍在等待审批，请先审批或退回后再结案。",
    ),
    (
        "GOALS_NOT_MARKED",
        "服务计划中仍有目标未填写结案结果（{goal_ids}），请为每个目标标明达成情况。",
    ),
    (
        "REOPEN_PERIOD_PASSED",
        "该个案已于 {end_time} 结束，超过可重新开案的期限，请由科室重新转介。",
    ),
    (
        "REFERRAL_ALREADY_REOPENED",
        "该个案已重新开案（转介 {referral_id}），请在新转介上继续。",
    ),
    (
        "CONSENT_RECONFIRMATION_REQUIRED",
        "重新开案沿用了原同意：首次接触时须确认患者或监护人再次同意（consent_reconfirmed）。",
    ),
    (
        "KEYS_FROM_ENVIRONMENT",
        "加密密钥来自环境变量（YISHE_ENCRYPTION_KEYS），请在那里轮换。",
    ),
];

/// The Chinese names of the values metadata carries (a referral's status and
/// priority), as a station's staff say them.
const ZH_CN_VALUES: &[(&str, &str)] = &[
    ("REQUESTED", "待接收"),
    ("ACCEPTED", "已接案"),
    ("REJECTED", "已拒绝"),
    ("IN_PROGRESS", "服务中"),
    ("ON_HOLD", "暂停"),
    ("COMPLETED", "已结案"),
    ("FAILED", "未能服务"),
    ("CANCELLED", "已撤回"),
    ("ENTERED_IN_ERROR", "误转已撤销"),
    ("ROUTINE", "常规"),
    ("URGENT", "紧急"),
    ("EMERGENCY", "危急"),
    ("DRAFT", "草稿"),
    ("PENDING_APPROVAL", "待审批"),
    ("APPROVED", "已批准"),
    ("RETURNED", "已退回"),
    ("SUPERSEDED", "已被新版本取代"),
    ("PLANNED", "计划中"),
    ("DONE", "已完成"),
    ("POSTED", "待接单"),
    ("CLAIMED", "已接单"),
    ("REVIEWED", "已评阅"),
    ("SCHEDULED", "待跟进"),
    ("MISSED", "未联系上"),
];

/// The Chinese name of a metadata value, where it has one.
pub(crate) fn zh_cn_value(value: &str) -> Option<&'static str> {
    ZH_CN_VALUES
        .iter()
        .find(|(known, _)| *known == value)
        .map(|(_, words)| *words)
}

/// The Chinese message template for `reason`.
pub(crate) fn zh_cn(reason: &str) -> Option<&'static str> {
    ZH_CN
        .iter()
        .find(|(known, _)| *known == reason)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason any crate answers with (read from the sources: each is a string
    /// literal returned by a `reason` function) has its Chinese message.
    #[test]
    fn every_reason_has_a_chinese_message() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut missing = Vec::new();
        let mut seen = 0;
        for dir in ["crates", "services"] {
            for file in rust_files(&root.join(dir)) {
                let text = std::fs::read_to_string(&file).unwrap();
                for reason in reasons_in(&text) {
                    seen += 1;
                    if zh_cn(&reason).is_none() {
                        missing.push(format!("{reason} ({})", file.display()));
                    }
                }
            }
        }
        assert!(seen > 20, "the reasons were not found: {seen}");
        assert!(missing.is_empty(), "no Chinese message for: {missing:?}");
    }

    /// The literals inside each `fn reason` body of `text`.
    fn reasons_in(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (start, _) in text.match_indices("fn reason(&self)") {
            let body = &text[start..];
            let end = body.find("\n    }\n").unwrap_or(body.len());
            for piece in body[..end].split('"').skip(1).step_by(2) {
                if !piece.is_empty() && piece.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                    found.push(piece.to_owned());
                }
            }
        }
        found
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return files;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !path.ends_with("target") {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }
}
