//! `yishe station …`, `yishe department …`, `yishe worker …`, `yishe key …`

use std::future::Future;

use yishe_proto::directory::*;
use yishe_proto::referral::ReferralReason;

use crate::args::{DepartmentCommand, KeyCommand, StationCommand, WorkerCommand};
use crate::client::{Connection, DirectoryClient};
use crate::enums::parse;
use crate::failure::Failure;
use crate::output;

/// Every item of a paged directory list: `page` reads the page after a token and
/// returns its items and the next token (empty on the last).
pub(crate) async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, Failure>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, String), tonic::Status>>,
{
    let mut all = Vec::new();
    let mut token = String::new();
    loop {
        let (items, next) = page(token).await?;
        all.extend(items);
        if next.is_empty() {
            return Ok(all);
        }
        token = next;
    }
}

pub(crate) async fn station(command: StationCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.directory();
    match command {
        StationCommand::List => {
            let stations = all_pages(|page_token| {
                let mut client = client.clone();
                async move {
                    let r = client
                        .list_stations(ListStationsRequest {
                            page_token,
                            ..Default::default()
                        })
                        .await?
                        .into_inner();
                    Ok((r.stations, r.next_page_token))
                }
            })
            .await?;
            output::stations(c.output, &stations);
        }
        StationCommand::Get { id } => {
            let got = client
                .get_station(GetStationRequest { station_id: id })
                .await?
                .into_inner();
            output::station(c.output, &got.station.unwrap_or_default());
        }
        StationCommand::Update { id, name, reasons } => {
            let current = client
                .get_station(GetStationRequest {
                    station_id: id.clone(),
                })
                .await?
                .into_inner()
                .station
                .unwrap_or_default();
            let mut paths = Vec::new();
            let mut station = Station {
                id,
                etag: current.etag,
                ..Default::default()
            };
            if let Some(name) = name {
                station.display_name = name;
                paths.push("display_name".to_owned());
            }
            if let Some(reasons) = reasons {
                station.referral_reasons = reasons
                    .iter()
                    .filter(|r| !r.trim().is_empty())
                    .map(|r| {
                        parse(
                            "REFERRAL_REASON_",
                            r,
                            ReferralReason::from_str_name,
                            ReferralReason::as_str_name,
                            "referral reason",
                        )
                        .map(|r| r as i32)
                    })
                    .collect::<Result<_, _>>()?;
                paths.push("referral_reasons".to_owned());
            }
            let updated = client
                .update_station(UpdateStationRequest {
                    station: Some(station),
                    update_mask: Some(prost_types::FieldMask { paths }),
                })
                .await?
                .into_inner();
            output::station(c.output, &updated.station.unwrap_or_default());
        }
    }
    Ok(())
}

pub(crate) async fn department(command: DepartmentCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.directory();
    match command {
        DepartmentCommand::Create {
            hospital,
            code,
            name,
        } => {
            let department = Department {
                hospital_id: hospital,
                code,
                name,
                ..Default::default()
            };
            let created = client
                .create_department(CreateDepartmentRequest {
                    department: Some(department),
                    ..Default::default()
                })
                .await?
                .into_inner();
            output::department(c.output, &created.department.unwrap_or_default());
        }
        DepartmentCommand::List { hospital } => {
            let departments = all_pages(|page_token| {
                let (mut client, hospital_id) = (client.clone(), hospital.clone());
                async move {
                    let r = client
                        .list_departments(ListDepartmentsRequest {
                            hospital_id,
                            page_token,
                            ..Default::default()
                        })
                        .await?
                        .into_inner();
                    Ok((r.departments, r.next_page_token))
                }
            })
            .await?;
            output::departments(c.output, &departments);
        }
    }
    Ok(())
}

fn level(text: &str) -> Result<i32, Failure> {
    Ok(parse(
        "CERTIFICATION_LEVEL_",
        text,
        CertificationLevel::from_str_name,
        CertificationLevel::as_str_name,
        "certification level",
    )? as i32)
}

pub(crate) async fn worker(command: WorkerCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.directory();
    match command {
        WorkerCommand::Create {
            name,
            level: lvl,
            caseload_limit,
        } => {
            let worker = SocialWorker {
                display_name: name,
                certification_level: level(&lvl)?,
                caseload_limit,
                active: true,
                on_leave: false,
                ..Default::default()
            };
            let created = client
                .create_social_worker(CreateSocialWorkerRequest {
                    social_worker: Some(worker),
                    ..Default::default()
                })
                .await?
                .into_inner();
            output::worker(c.output, &created.social_worker.unwrap_or_default());
        }
        WorkerCommand::Update {
            id,
            etag,
            name,
            level: lvl,
            caseload_limit,
            active,
            on_leave,
        } => {
            let etag = match etag {
                Some(etag) => etag,
                None => {
                    let all = workers(&client, true).await?;
                    all.into_iter()
                        .find(|w| w.id == id)
                        .map(|w| w.etag)
                        .ok_or_else(|| {
                            Failure::local(format!("no social worker {id} in this station"))
                        })?
                }
            };
            let mut paths = Vec::new();
            let mut worker = SocialWorker {
                id,
                etag,
                ..Default::default()
            };
            if let Some(name) = name {
                worker.display_name = name;
                paths.push("display_name".to_owned());
            }
            if let Some(lvl) = lvl {
                worker.certification_level = level(&lvl)?;
                paths.push("certification_level".to_owned());
            }
            if let Some(limit) = caseload_limit {
                worker.caseload_limit = limit;
                paths.push("caseload_limit".to_owned());
            }
            if let Some(active) = active {
                worker.active = active;
                paths.push("active".to_owned());
            }
            if let Some(on_leave) = on_leave {
                worker.on_leave = on_leave;
                paths.push("on_leave".to_owned());
            }
            let request = UpdateSocialWorkerRequest {
                social_worker: Some(worker),
                update_mask: Some(prost_types::FieldMask { paths }),
            };
            let updated = client.update_social_worker(request).await?.into_inner();
            output::worker(c.output, &updated.social_worker.unwrap_or_default());
        }
        WorkerCommand::List { all } => {
            output::workers(c.output, &workers(&client, all).await?);
        }
    }
    Ok(())
}

/// Every social worker of the caller's station.
async fn workers(
    client: &DirectoryClient,
    include_inactive: bool,
) -> Result<Vec<SocialWorker>, Failure> {
    all_pages(|page_token| {
        let mut client = client.clone();
        async move {
            let r = client
                .list_social_workers(ListSocialWorkersRequest {
                    include_inactive,
                    page_token,
                    ..Default::default()
                })
                .await?
                .into_inner();
            Ok((r.social_workers, r.next_page_token))
        }
    })
    .await
}

pub(crate) async fn key(command: KeyCommand, c: &Connection) -> Result<(), Failure> {
    let mut client = c.directory();
    match command {
        KeyCommand::Create {
            name,
            role,
            hospital,
            departments,
            worker,
            volunteer,
            certificate_subject,
            read_only,
        } => {
            let role = parse(
                "ROLE_",
                &role,
                Role::from_str_name,
                Role::as_str_name,
                "role",
            )? as i32;
            let key = ApiKey {
                display_name: name,
                role,
                hospital_id: hospital,
                department_ids: departments,
                social_worker_id: worker,
                volunteer_id: volunteer,
                certificate_subject,
                read_only,
                ..Default::default()
            };
            let created = client
                .create_api_key(CreateApiKeyRequest {
                    api_key: Some(key),
                    ..Default::default()
                })
                .await?
                .into_inner();
            output::key(
                c.output,
                &created.api_key.unwrap_or_default(),
                Some(&created.secret),
            );
        }
        KeyCommand::List {
            all,
            unlinked_supervisors,
        } => {
            let keys = all_pages(|page_token| {
                let mut client = client.clone();
                async move {
                    let r = client
                        .list_api_keys(ListApiKeysRequest {
                            include_revoked: all,
                            unlinked_supervisors_only: unlinked_supervisors,
                            page_token,
                            ..Default::default()
                        })
                        .await?
                        .into_inner();
                    Ok((r.api_keys, r.next_page_token))
                }
            })
            .await?;
            output::keys(c.output, &keys);
        }
        KeyCommand::Link { id, worker } => {
            let linked = client
                .link_api_key(LinkApiKeyRequest {
                    api_key_id: id,
                    social_worker_id: worker,
                })
                .await?
                .into_inner();
            output::key(c.output, &linked.api_key.unwrap_or_default(), None);
        }
        KeyCommand::Revoke { id } => {
            let revoked = client
                .revoke_api_key(RevokeApiKeyRequest { api_key_id: id })
                .await?
                .into_inner();
            output::key(c.output, &revoked.api_key.unwrap_or_default(), None);
        }
    }
    Ok(())
}
