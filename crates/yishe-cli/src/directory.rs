//! `yishe department …`, `yishe worker …`, `yishe key …`

use yishe_proto::directory::*;

use crate::args::{DepartmentCommand, KeyCommand, WorkerCommand};
use crate::client::Connection;
use crate::enums::parse;
use crate::failure::Failure;
use crate::output;

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
                })
                .await?
                .into_inner();
            output::department(c.output, &created.department.unwrap_or_default());
        }
        DepartmentCommand::List { hospital } => {
            let list = client
                .list_departments(ListDepartmentsRequest {
                    hospital_id: hospital,
                })
                .await?
                .into_inner();
            output::departments(c.output, &list.departments);
        }
    }
    Ok(())
}

fn level(text: &str) -> Result<i32, Failure> {
    Ok(parse(
        "CERTIFICATION_LEVEL_",
        text,
        CertificationLevel::from_str_name,
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
                ..Default::default()
            };
            let created = client
                .create_social_worker(CreateSocialWorkerRequest {
                    social_worker: Some(worker),
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
        } => {
            let etag = match etag {
                Some(etag) => etag,
                None => {
                    let all = client
                        .list_social_workers(ListSocialWorkersRequest {
                            include_inactive: true,
                        })
                        .await?
                        .into_inner();
                    all.social_workers
                        .into_iter()
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
            let request = UpdateSocialWorkerRequest {
                social_worker: Some(worker),
                update_mask: Some(prost_types::FieldMask { paths }),
            };
            let updated = client.update_social_worker(request).await?.into_inner();
            output::worker(c.output, &updated.social_worker.unwrap_or_default());
        }
        WorkerCommand::List { all } => {
            let list = client
                .list_social_workers(ListSocialWorkersRequest {
                    include_inactive: all,
                })
                .await?
                .into_inner();
            output::workers(c.output, &list.social_workers);
        }
    }
    Ok(())
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
            certificate_subject,
            read_only,
        } => {
            let role = parse("ROLE_", &role, Role::from_str_name, "role")? as i32;
            let key = ApiKey {
                display_name: name,
                role,
                hospital_id: hospital,
                department_ids: departments,
                social_worker_id: worker,
                certificate_subject,
                read_only,
                ..Default::default()
            };
            let created = client
                .create_api_key(CreateApiKeyRequest { api_key: Some(key) })
                .await?
                .into_inner();
            output::key(
                c.output,
                &created.api_key.unwrap_or_default(),
                Some(&created.secret),
            );
        }
        KeyCommand::List { all } => {
            let list = client
                .list_api_keys(ListApiKeysRequest {
                    include_revoked: all,
                })
                .await?
                .into_inner();
            output::keys(c.output, &list.api_keys);
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
