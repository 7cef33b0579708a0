//! `yishe referral …`

use tokio_stream::StreamExt;
use yishe_proto::common::{self, Priority};
use yishe_proto::referral::*;

use crate::args::{CreateReferral, ReferralCommand, Target};
use crate::client::Connection;
use crate::enums::parse;
use crate::failure::Failure;
use crate::output;

pub(crate) async fn run(command: ReferralCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.referrals();
    let referral = match command {
        ReferralCommand::Create(args) => {
            let consent_time_given = args.consent_time.is_some();
            let request = create_request(*args)?;
            match client.create_referral(request.clone()).await {
                Ok(created) => created.into_inner().referral,
                Err(refused) if !consent_time_given => {
                    resend_with_first_consent_time(&mut client, request, refused).await?
                }
                Err(refused) => return Err(refused.into()),
            }
        }
        ReferralCommand::Get { id, break_glass } => {
            client
                .get_referral(GetReferralRequest {
                    referral_id: id,
                    break_glass_reason: break_glass,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::List {
            filter,
            order_by,
            page_size,
            page_token,
        } => {
            let page = client
                .list_referrals(ListReferralsRequest {
                    page_size,
                    page_token,
                    filter,
                    order_by,
                })
                .await?
                .into_inner();
            output::referrals(c.output, &page.referrals, page.next_page_token);
            return Ok(());
        }
        ReferralCommand::Accept(target) => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .accept_referral(AcceptReferralRequest { referral_id, etag })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::Reject {
            target,
            reason,
            note,
        } => {
            let reason = parse(
                "REJECTION_REASON_",
                &reason,
                RejectionReason::from_str_name,
                RejectionReason::as_str_name,
                "rejection reason",
            )? as i32;
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .reject_referral(RejectReferralRequest {
                    referral_id,
                    etag,
                    reason,
                    note,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::Assign { target, worker } => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .assign_referral(AssignReferralRequest {
                    referral_id,
                    etag,
                    social_worker_id: worker,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::Hold { target, note } => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .hold_referral(HoldReferralRequest {
                    referral_id,
                    etag,
                    note,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::Resume { target, note } => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .resume_referral(ResumeReferralRequest {
                    referral_id,
                    etag,
                    note,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::Cancel {
            target,
            note,
            entered_in_error,
        } => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .cancel_referral(CancelReferralRequest {
                    referral_id,
                    etag,
                    note,
                    kind: if entered_in_error {
                        CancelKind::EnteredInError
                    } else {
                        CancelKind::Withdraw
                    } as i32,
                    ..Default::default()
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::WithdrawConsent { target, by, note } => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .withdraw_consent(WithdrawConsentRequest {
                    referral_id,
                    etag,
                    withdrawn_by: by,
                    note,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::Close(args) => {
            let target = Target {
                id: args.target.id.clone(),
                etag: args.target.etag.clone(),
            };
            let (_, etag) = resolve(c, target).await?;
            let request = crate::closure::request(*args, etag)?;
            client.request_closure(request).await?.into_inner().referral
        }
        ReferralCommand::ApproveClosure { target, note } => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .approve_closure(ApproveClosureRequest {
                    referral_id,
                    etag,
                    note,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::ReturnClosure { target, note } => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .return_closure(ReturnClosureRequest {
                    referral_id,
                    etag,
                    note,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::WithdrawClosure(target) => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .withdraw_closure(WithdrawClosureRequest { referral_id, etag })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::Reassignments => {
            let list = client
                .list_reassignments(ListReassignmentsRequest {})
                .await?
                .into_inner()
                .reassignments;
            let values = list
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "social_worker_id": r.social_worker_id,
                        "display_name": r.display_name,
                        "why": if !r.active { "已停用" } else { "休假中" },
                        "cases": r.referral_ids,
                        "follow_ups": r.follow_up_ids.len(),
                        "volunteer_tasks": r.volunteer_task_ids.len(),
                    })
                })
                .collect();
            output::rows(
                c.output,
                values,
                &[
                    "display_name",
                    "why",
                    "cases",
                    "follow_ups",
                    "volunteer_tasks",
                    "social_worker_id",
                ],
                None,
            );
            return Ok(());
        }
        ReferralCommand::Reassign { from, to } => {
            let moved = client
                .reassign_work(ReassignWorkRequest {
                    from_social_worker_id: from,
                    to_social_worker_id: to,
                })
                .await?
                .into_inner();
            output::referrals(c.output, &moved.referrals, String::new());
            if c.output == crate::args::Output::Table {
                println!(
                    "转派个案 {} 个，随访 {} 个，志愿者任务 {} 个",
                    moved.referrals.len(),
                    moved.follow_ups_moved,
                    moved.volunteer_tasks_moved
                );
            }
            return Ok(());
        }
        ReferralCommand::Reopen { target, reason } => {
            let (referral_id, etag) = resolve(c, target).await?;
            client
                .reopen_referral(ReopenReferralRequest {
                    referral_id,
                    etag,
                    reason,
                })
                .await?
                .into_inner()
                .referral
        }
        ReferralCommand::Watch {
            after,
            from_now,
            departments,
        } => {
            let start = if from_now {
                WatchReferralEventsRequest::from_now()
            } else {
                WatchReferralEventsRequest::after(after)
            };
            let mut events = client
                .watch_referral_events(WatchReferralEventsRequest {
                    department_ids: departments,
                    ..start
                })
                .await?
                .into_inner();
            output::event_header(c.output);
            while let Some(item) = events.next().await {
                if let Some(event) = item?.into_event() {
                    output::event(c.output, &event);
                }
            }
            return Ok(());
        }
    };
    let referral =
        referral.ok_or_else(|| Failure::local("the server answered without a referral"))?;
    output::referral(c.output, &referral);
    Ok(())
}

/// The id and the etag to send: the given one, or the current one read now.
async fn resolve(c: &Connection, target: Target) -> Result<(String, String), Failure> {
    if let Some(etag) = target.etag {
        return Ok((target.id, etag));
    }
    let current = c
        .referrals()
        .get_referral(GetReferralRequest {
            referral_id: target.id.clone(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .referral
        .ok_or_else(|| Failure::local("the server answered without a referral"))?;
    Ok((target.id, current.etag))
}

/// A resend of `yishe referral create` whose consent time was left to default to now
/// differs from the first send in that time alone, which the server refuses as a
/// reused request id. Sent again with the first referral's consent time, the server
/// replays it when nothing else differs (and refuses it again when something does).
async fn resend_with_first_consent_time(
    client: &mut crate::client::ReferralClient,
    mut request: CreateReferralRequest,
    refused: tonic::Status,
) -> Result<Option<Referral>, Failure> {
    use tonic_types::StatusExt as _;
    let first_id = refused
        .get_details_error_info()
        .filter(|info| info.reason == "REQUEST_ID_REUSED")
        .and_then(|info| info.metadata.get("referral_id").cloned());
    let Some(first_id) = first_id else {
        return Err(refused.into());
    };
    let first = client
        .get_referral(GetReferralRequest {
            referral_id: first_id,
            break_glass_reason: String::new(),
        })
        .await?
        .into_inner()
        .referral;
    let first_time = first.and_then(|r| r.consent).and_then(|c| c.recorded_time);
    let consent = request.referral.as_mut().and_then(|r| r.consent.as_mut());
    match (consent, first_time) {
        (Some(consent), Some(first_time)) => consent.recorded_time = Some(first_time),
        _ => return Err(refused.into()),
    }
    Ok(client.create_referral(request).await?.into_inner().referral)
}

fn create_request(a: CreateReferral) -> Result<CreateReferralRequest, Failure> {
    let reasons = a
        .reasons
        .iter()
        .map(|r| {
            parse(
                "REFERRAL_REASON_",
                r,
                ReferralReason::from_str_name,
                ReferralReason::as_str_name,
                "reason",
            )
            .map(|r| r as i32)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let priority = parse(
        "PRIORITY_",
        &a.priority,
        Priority::from_str_name,
        Priority::as_str_name,
        "priority",
    )? as i32;
    let consent_kind = parse(
        "CONSENT_KIND_",
        &a.consent,
        ConsentKind::from_str_name,
        ConsentKind::as_str_name,
        "consent",
    )? as i32;
    let sex = if a.sex.is_empty() {
        0
    } else {
        parse("SEX_", &a.sex, Sex::from_str_name, Sex::as_str_name, "sex")? as i32
    };
    let birth_date = a
        .birth_date
        .map(|d| {
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map(|d| {
                    use chrono::Datelike;
                    common::Date {
                        year: d.year(),
                        month: d.month() as i32,
                        day: d.day() as i32,
                    }
                })
                .map_err(|_| Failure::local(format!("--birth-date {d:?} is not YYYY-MM-DD")))
        })
        .transpose()?;
    let consent_time = match &a.consent_time {
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|e| Failure::local(format!("--consent-time {t:?}: {e}")))?
            .to_utc(),
        None => chrono::Utc::now(),
    };
    Ok(CreateReferralRequest {
        request_id: a.request_id,
        referral: Some(Referral {
            hospital_id: a.hospital,
            department_id: a.department,
            referring_clinician: Some(Clinician {
                name: a.clinician.clone(),
                staff_id: a.clinician_staff_id,
                contact: a.clinician_contact,
            }),
            patient: Some(Patient {
                his_patient_id: a.patient_id,
                encounter_id: a.encounter_id,
                name: a.patient_name,
                sex,
                birth_date,
                phone: a.phone,
                ward: a.ward,
                bed: a.bed,
                clinical_summary: a.summary,
                departure: None,
            }),
            reasons,
            note: a.note,
            priority,
            consent: Some(Consent {
                kind: consent_kind,
                given_by: a.consent_by,
                justification: a.justification,
                recorded_by: a.consent_recorded_by.unwrap_or(a.clinician),
                recorded_time: Some(prost_types::Timestamp {
                    seconds: consent_time.timestamp(),
                    nanos: 0,
                }),
                ..Default::default()
            }),
            station_id: a.station,
            ..Default::default()
        }),
    })
}
