//! What a plan refuses, one rule per test, each as a client program reads it: the
//! code and the `ErrorInfo` reason (and the offending fields of bad input).

use yishe_proto::directory::CertificationLevel;
use yishe_proto::plan::*;
use yishe_proto::referral::ReferralReason;

use super::*;
use crate::support::{e2e, refusal};

e2e!(
    a_plan_needs_an_assessment,
    goals_address_found_problems_and_interventions_serve_goals,
    a_referral_has_one_plan,
    interventions_wait_for_approval,
    protection_plans_need_an_experienced_approver,
    a_stale_etag_is_refused,
    only_the_case_worker_and_supervisors_read_a_plan,
    a_supervisor_key_linked_to_its_person_approves,
    a_supervisor_who_changed_a_draft_does_not_approve_it,
);

async fn a_plan_needs_an_assessment(app: TestApp, station: Station) {
    let referral = station
        .assigned_referral(
            &app,
            "plan-unassessed",
            yishe_proto::common::Priority::Routine,
        )
        .await;
    let plan = two_goal_plan(&station, &["a".into(), "b".into()]);
    assert_eq!(
        refusal(&create(&app, &station, &referral, "p", plan).await),
        (
            tonic::Code::FailedPrecondition,
            "ASSESSMENT_REQUIRED".into()
        )
    );
}

async fn goals_address_found_problems_and_interventions_serve_goals(
    app: TestApp,
    station: Station,
) {
    let (referral, problems) = assessed_case(&app, &station, "plan-invalid").await;
    let mut plan = two_goal_plan(&station, &problems);
    plan.goals[0].problem_ids = vec!["0190a000-0000-7000-8000-000000000000".into()];
    plan.goals[1].measure = Some(goal::Measure::AttainmentScale(AttainmentScale {
        levels: vec![AttainmentLevel {
            level: 0,
            description: "expected".into(),
        }],
        ..Default::default()
    }));
    plan.interventions[0].goal_ids = vec!["#5".into()];
    plan.interventions[1].responsible_worker_id = "0190a000-0000-7000-8000-000000000001".into();
    let status = create(&app, &station, &referral, "p", plan)
        .await
        .expect_err("refused");
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    let fields = crate::support::bad_fields(&status);
    for field in [
        "plan.goals[0].problem_ids[0]",
        "plan.goals[1].attainment_scale.levels",
        "plan.interventions[0].goal_ids[0]",
        "plan.interventions[1].responsible_worker_id",
    ] {
        assert!(
            fields.iter().any(|f| f == field),
            "{field} not in {fields:?}"
        );
    }
}

async fn a_referral_has_one_plan(app: TestApp, station: Station) {
    let (referral, problems) = assessed_case(&app, &station, "plan-twice").await;
    let first = create(
        &app,
        &station,
        &referral,
        "first",
        two_goal_plan(&station, &problems),
    )
    .await
    .unwrap();
    let again = create(
        &app,
        &station,
        &referral,
        "second",
        two_goal_plan(&station, &problems),
    )
    .await;
    assert_eq!(
        refusal(&again),
        (tonic::Code::AlreadyExists, "PLAN_EXISTS".into())
    );
    let mut other = two_goal_plan(&station, &problems);
    other.goals.pop();
    other.interventions.truncate(1);
    assert_eq!(
        refusal(&create(&app, &station, &referral, "first", other).await),
        (tonic::Code::AlreadyExists, "REQUEST_ID_REUSED".into()),
        "the same request id with another plan"
    );
    assert!(!first.plan_id.is_empty());
}

async fn interventions_wait_for_approval(app: TestApp, station: Station) {
    let (_, plan) = drafted(&app, &station, "plan-early").await;
    let started = app
        .plans(Some(&station.worker_key))
        .update_intervention_state(UpdateInterventionStateRequest {
            plan_id: plan.plan_id.clone(),
            etag: plan.etag.clone(),
            intervention_id: plan.interventions[0].intervention_id.clone(),
            state: InterventionState::InProgress as i32,
            reason: String::new(),
        })
        .await;
    assert_eq!(
        refusal(&started),
        (tonic::Code::FailedPrecondition, "PLAN_NOT_APPROVED".into())
    );
}

async fn protection_plans_need_an_experienced_approver(app: TestApp, station: Station) {
    let referral = assigned_with_reasons(
        &app,
        &station,
        "plan-protection",
        vec![ReferralReason::ChildProtection],
    )
    .await;
    let problems = assess(&app, &station, &referral, "plan-protection-a1", 12, true).await;
    let plan = create(
        &app,
        &station,
        &referral,
        "p",
        two_goal_plan(&station, &problems),
    )
    .await
    .unwrap();
    let plan = submit(&app, &station.worker_key, &plan).await;
    let (_, assistant) =
        supervisor(&app, &station, "助理督导", CertificationLevel::Assistant).await;
    assert_eq!(
        refusal(&approve(&app, &assistant, &plan).await),
        (
            tonic::Code::PermissionDenied,
            "APPROVER_LEVEL_TOO_LOW".into()
        )
    );
    let (_, intermediate) =
        supervisor(&app, &station, "中级督导", CertificationLevel::Intermediate).await;
    let approved = approve(&app, &intermediate, &plan).await.expect("approved");
    assert_eq!(approved.state(), PlanState::Approved);
}

async fn a_stale_etag_is_refused(app: TestApp, station: Station) {
    let (_, plan) = drafted(&app, &station, "plan-stale").await;
    submit(&app, &station.worker_key, &plan).await;
    let again = app
        .plans(Some(&station.worker_key))
        .submit_plan(SubmitPlanRequest {
            plan_id: plan.plan_id.clone(),
            etag: plan.etag.clone(),
        })
        .await;
    assert_eq!(refusal(&again), (tonic::Code::Aborted, "STALE_ETAG".into()));
}

async fn only_the_case_worker_and_supervisors_read_a_plan(app: TestApp, station: Station) {
    let (_, plan) = drafted(&app, &station, "plan-read").await;
    let get = |key: String| {
        let mut plans = app.plans(Some(&key));
        let id = plan.plan_id.clone();
        async move {
            plans
                .get_plan(GetPlanRequest {
                    plan_id: id,
                    version: 0,
                })
                .await
        }
    };
    assert_eq!(
        refusal(&get(station.junior_key.clone()).await),
        (tonic::Code::NotFound, "PLAN_NOT_FOUND".into()),
        "another worker of the station does not learn the plan exists"
    );
    assert!(get(station.supervisor_key.clone()).await.is_ok());
    let listed = app
        .plans(Some(&station.junior_key))
        .list_plans(ListPlansRequest::default())
        .await
        .unwrap()
        .into_inner()
        .plans;
    assert!(listed.is_empty(), "another worker's list shows no plan");
}

async fn a_supervisor_key_linked_to_its_person_approves(app: TestApp, station: Station) {
    use yishe_proto::directory::{
        CreateSocialWorkerRequest, LinkApiKeyRequest, ListApiKeysRequest, SocialWorker,
    };
    let (_, plan) = drafted(&app, &station, "plan-link").await;
    let plan = submit(&app, &station.worker_key, &plan).await;
    assert_eq!(
        refusal(&approve(&app, &station.supervisor_key, &plan).await),
        (
            tonic::Code::PermissionDenied,
            "APPROVER_NOT_A_PERSON".into()
        )
    );

    // The admin finds the supervisor keys that are no person yet, and links this one.
    let mut directory = app.directory(Some(&station.admin_key));
    let unlinked = directory
        .list_api_keys(ListApiKeysRequest {
            unlinked_supervisors_only: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .api_keys;
    assert_eq!(unlinked.len(), 1, "the seeded supervisor key: {unlinked:?}");
    let person = directory
        .create_social_worker(CreateSocialWorkerRequest {
            social_worker: Some(SocialWorker {
                display_name: "赵督导".into(),
                certification_level: CertificationLevel::Senior as i32,
                caseload_limit: 5,
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .social_worker
        .unwrap();
    let link = |id: String| {
        let mut directory = directory.clone();
        let worker = person.id.clone();
        async move {
            directory
                .link_api_key(LinkApiKeyRequest {
                    api_key_id: id,
                    social_worker_id: worker,
                })
                .await
        }
    };
    let linked = link(unlinked[0].id.clone())
        .await
        .unwrap()
        .into_inner()
        .api_key
        .unwrap();
    assert_eq!(linked.social_worker_id, person.id);
    assert_eq!(
        refusal(&link(unlinked[0].id.clone()).await),
        (tonic::Code::FailedPrecondition, "KEY_NOT_LINKABLE".into()),
        "a key is linked once"
    );
    let approved = approve(&app, &station.supervisor_key, &plan)
        .await
        .expect("the same key, now a person's, approves");
    assert_eq!(approved.decision.unwrap().supervisor_name, "赵督导");
}

async fn a_supervisor_who_changed_a_draft_does_not_approve_it(app: TestApp, station: Station) {
    let (_, plan) = drafted(&app, &station, "plan-edited").await;
    let (_, editor) = supervisor(&app, &station, "张敏", CertificationLevel::Senior).await;
    let edited = app
        .plans(Some(&editor))
        .update_plan(UpdatePlanRequest {
            plan: Some(ServicePlan {
                plan_id: plan.plan_id.clone(),
                review_date: yishe_testserver::plans::date(2027, 2, 1),
                ..Default::default()
            }),
            etag: plan.etag.clone(),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["review_date".into()],
            }),
        })
        .await
        .expect("a supervisor may change a draft")
        .into_inner()
        .plan
        .unwrap();
    let submitted = submit(&app, &station.worker_key, &edited).await;
    assert_eq!(
        refusal(&approve(&app, &editor, &submitted).await),
        (tonic::Code::PermissionDenied, "SELF_APPROVAL".into()),
        "whoever changed the draft may not approve it"
    );
    let (_, other) = supervisor(&app, &station, "陈静", CertificationLevel::Senior).await;
    assert!(approve(&app, &other, &submitted).await.is_ok());
}
