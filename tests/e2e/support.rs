//! Shared helpers of the end-to-end suites: each test runs once per engine against a
//! real server, through real gRPC clients.

pub(crate) use yishe_testserver::{Assessments, Engine, Station, TestApp};

use yishe_proto::referral::Referral;

/// Runs each named `async fn(TestApp, Station)` against a fresh server on SQLite and
/// on PostgreSQL, as `sqlite::name` and `postgres::name`.
macro_rules! e2e {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::support::TestApp::spawn($crate::support::Engine::Sqlite).await.expect("sqlite is always there");
                    let station = $crate::support::Station::seed(&app).await;
                    super::$name(app, station).await
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(app) = $crate::support::TestApp::spawn($crate::support::Engine::Postgres).await else { return };
                    let station = $crate::support::Station::seed(&app).await;
                    super::$name(app, station).await
                }
            )+
        }
    };
}

pub(crate) use e2e;

/// The gRPC code of a result, `Ok` for success.
pub(crate) fn code<T>(result: &Result<T, tonic::Status>) -> tonic::Code {
    match result {
        Ok(_) => tonic::Code::Ok,
        Err(status) => status.code(),
    }
}

/// The gRPC code of a result and its `ErrorInfo` reason (`OK` and "" for success):
/// every refusal a test expects is asserted with both, as a client program reads it.
pub(crate) fn refusal<T>(result: &Result<T, tonic::Status>) -> (tonic::Code, String) {
    match result {
        Ok(_) => (tonic::Code::Ok, String::new()),
        Err(status) => refused(status),
    }
}

/// The code and `ErrorInfo` reason of a status.
pub(crate) fn refused(status: &tonic::Status) -> (tonic::Code, String) {
    use tonic_types::StatusExt;
    let info = status
        .get_details_error_info()
        .unwrap_or_else(|| panic!("no ErrorInfo on {status:?}"));
    assert_eq!(info.domain, "yishe", "{status:?}");
    (status.code(), info.reason)
}

/// The `ErrorInfo.metadata` value `key` of a refusal.
pub(crate) fn error_metadata<T>(result: &Result<T, tonic::Status>, key: &str) -> Option<String> {
    use tonic_types::StatusExt;
    let status = result.as_ref().err()?;
    status.get_details_error_info()?.metadata.get(key).cloned()
}

/// The fields named by an INVALID_ARGUMENT's BadRequest detail.
pub(crate) fn bad_fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// Creates the seed station's standard referral from its first department.
pub(crate) async fn create_referral(
    app: &TestApp,
    station: &Station,
    request_id: &str,
) -> Referral {
    send_referral(
        &mut app.referrals(Some(&station.his_key)),
        station.referral_request(&station.department, request_id),
    )
    .await
}

/// The referral `id` as the holder of `key` reads it now.
pub(crate) async fn read_referral(app: &TestApp, key: &str, id: &str) -> Referral {
    referral_of(&mut app.referrals(Some(key)), id).await
}

/// The referral `id` as `client`'s caller reads it now.
pub(crate) async fn referral_of(client: &mut yishe_testserver::Referrals, id: &str) -> Referral {
    client
        .get_referral(yishe_proto::referral::GetReferralRequest {
            referral_id: id.to_owned(),
            ..Default::default()
        })
        .await
        .expect("read referral")
        .into_inner()
        .referral
        .unwrap()
}

/// Sends `request` through `client` and returns the referral created (or replayed).
pub(crate) async fn send_referral(
    client: &mut yishe_testserver::Referrals,
    request: yishe_proto::referral::CreateReferralRequest,
) -> Referral {
    client
        .create_referral(request)
        .await
        .expect("create referral")
        .into_inner()
        .referral
        .unwrap()
}

/// The audit records of `action` about the referral `id`, as the seed's auditor lists
/// them.
pub(crate) async fn audit_of(
    app: &TestApp,
    station: &Station,
    id: &str,
    action: &str,
) -> Vec<yishe_proto::audit::AuditRecord> {
    app.audit(Some(&station.auditor_key))
        .list_audit_records(yishe_proto::audit::ListAuditRecordsRequest {
            resource_kind: "referral".into(),
            resource_id: id.to_owned(),
            action: action.to_owned(),
            page_size: 100,
            ..Default::default()
        })
        .await
        .expect("list audit records")
        .into_inner()
        .records
}

/// Creates the seed station's standard referral from its second department, with that
/// department's own HIS key.
pub(crate) async fn create_other_referral(
    app: &TestApp,
    station: &Station,
    request_id: &str,
) -> Referral {
    send_referral(
        &mut app.referrals(Some(&station.other_his_key)),
        station.referral_request(&station.other_department, request_id),
    )
    .await
}

/// The station takes `referral` (接单), through `client` (a social worker's or a
/// supervisor's).
pub(crate) async fn accept(
    client: &mut yishe_testserver::Referrals,
    referral: &Referral,
) -> Referral {
    client
        .accept_referral(yishe_proto::referral::AcceptReferralRequest {
            referral_id: referral.id.clone(),
            etag: referral.etag.clone(),
        })
        .await
        .expect("accept referral")
        .into_inner()
        .referral
        .unwrap()
}

/// A watch of the referral feed, as a client holds it.
pub(crate) type Stream = tonic::Streaming<yishe_proto::referral::WatchReferralEventsResponse>;

/// The next event or checkpoint of a watch, within 10 s.
pub(crate) async fn next_item(
    stream: &mut Stream,
) -> yishe_proto::referral::watch_referral_events_response::Item {
    use tokio_stream::StreamExt;
    tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .expect("a message within 10 s")
        .expect("the stream is open")
        .expect("no error")
        .item
        .expect("an event or a checkpoint")
}

/// The department's withdrawal of `referral` as last read (its id and etag), saying why.
pub(crate) fn withdrawal(
    referral: &Referral,
    note: &str,
) -> yishe_proto::referral::CancelReferralRequest {
    use yishe_proto::referral::{CancelKind, CancelReferralRequest};
    CancelReferralRequest {
        referral_id: referral.id.clone(),
        etag: referral.etag.clone(),
        note: note.into(),
        kind: CancelKind::Withdraw as i32,
        ..Default::default()
    }
}

/// The next event of a watch, passing over checkpoints.
pub(crate) async fn next_event(stream: &mut Stream) -> yishe_proto::referral::ReferralEvent {
    use yishe_proto::referral::watch_referral_events_response::Item;
    loop {
        if let Item::Event(event) = next_item(stream).await {
            return event;
        }
    }
}

/// The audit chain's verification once the sealer has caught up (at most 10 s; the
/// verification's own audit row may be the one left unsealed), as the seed's auditor
/// asks for it.
pub(crate) async fn sealed_chain(
    app: &TestApp,
    station: &Station,
) -> yishe_proto::audit::VerifyAuditChainResponse {
    let mut audit = app.audit(Some(&station.auditor_key));
    for _ in 0..40 {
        let verified = audit
            .verify_audit_chain(yishe_proto::audit::VerifyAuditChainRequest::default())
            .await
            .unwrap()
            .into_inner();
        if verified.unsealed_records <= 1 || !verified.intact {
            return verified;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    panic!("the audit log was not sealed within 10 s");
}
