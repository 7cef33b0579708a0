//! The connection: address, key and output choice, and typed clients that send the key.

use std::path::Path;

use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use yishe_proto::assessment::assessment_service_client::AssessmentServiceClient;
use yishe_proto::audit::audit_service_client::AuditServiceClient;
use yishe_proto::client::Bearer;
use yishe_proto::directory::directory_service_client::DirectoryServiceClient;
use yishe_proto::followup::follow_up_service_client::FollowUpServiceClient;
use yishe_proto::plan::plan_service_client::PlanServiceClient;
use yishe_proto::privacy::patient_rights_service_client::PatientRightsServiceClient;
use yishe_proto::referral::referral_service_client::ReferralServiceClient;
use yishe_proto::security::encryption_service_client::EncryptionServiceClient;

use crate::args::{Global, Output};
use crate::failure::Failure;

#[derive(Debug)]
pub(crate) struct Connection {
    channel: Channel,
    bearer: Bearer,
    pub(crate) output: Output,
}

/// The key from the flag or environment; when neither gives one, the admin key file in
/// the data directory, said on stderr. A key given empty (an unset variable in a
/// script, `--key "$KEY"`) is an error: falling back would act as the station admin
/// where the script meant someone else.
fn find_key(global: &Global) -> Result<Option<String>, Failure> {
    match &global.key {
        Some(key) if key.trim().is_empty() => Err(Failure::local(
            "the key given is empty (--key or YISHE_KEY); leave both out to use the \
             station admin key in the data directory",
        )),
        Some(key) => Ok(Some(key.trim().to_owned())),
        None => {
            let path = global.data_dir.join("admin.key");
            let key = read_key_file(&path);
            if key.is_some() {
                eprintln!(
                    "no --key or YISHE_KEY: using the station admin key in {}",
                    path.display()
                );
            }
            Ok(key)
        }
    }
}

fn read_key_file(path: &Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty())
}

impl Connection {
    pub(crate) async fn open(global: &Global) -> Result<Self, Failure> {
        // A script that traces its own work (OpenTelemetry's convention for programs
        // it runs) puts its context in TRACEPARENT: Yishe's spans join that trace.
        let bearer = Bearer::new(find_key(global)?.as_deref())
            .ok_or_else(|| Failure::local("the key contains characters a header cannot carry"))?
            .in_trace(std::env::var("TRACEPARENT").ok().as_deref());
        let channel = Channel::from_shared(global.addr.clone())
            .map_err(|e| Failure::local(format!("bad --addr {:?}: {e}", global.addr)))?
            .connect()
            .await
            .map_err(|e| Failure::local(format!("cannot reach {}: {e}", global.addr)))?;
        Ok(Self {
            channel,
            bearer,
            output: global.output,
        })
    }

    pub(crate) fn referrals(&self) -> ReferralServiceClient<InterceptedService<Channel, Bearer>> {
        ReferralServiceClient::with_interceptor(self.channel.clone(), self.bearer.clone())
    }

    pub(crate) fn assessments(
        &self,
    ) -> AssessmentServiceClient<InterceptedService<Channel, Bearer>> {
        AssessmentServiceClient::with_interceptor(self.channel.clone(), self.bearer.clone())
    }

    pub(crate) fn audit(&self) -> AuditServiceClient<InterceptedService<Channel, Bearer>> {
        AuditServiceClient::with_interceptor(self.channel.clone(), self.bearer.clone())
    }

    pub(crate) fn encryption(
        &self,
    ) -> EncryptionServiceClient<InterceptedService<Channel, Bearer>> {
        EncryptionServiceClient::with_interceptor(self.channel.clone(), self.bearer.clone())
    }

    pub(crate) fn patient_rights(
        &self,
    ) -> PatientRightsServiceClient<InterceptedService<Channel, Bearer>> {
        PatientRightsServiceClient::with_interceptor(self.channel.clone(), self.bearer.clone())
    }

    pub(crate) fn plans(&self) -> PlanServiceClient<InterceptedService<Channel, Bearer>> {
        PlanServiceClient::with_interceptor(self.channel.clone(), self.bearer.clone())
    }

    pub(crate) fn followups(&self) -> FollowUpServiceClient<InterceptedService<Channel, Bearer>> {
        FollowUpServiceClient::with_interceptor(self.channel.clone(), self.bearer.clone())
    }

    pub(crate) fn reports(
        &self,
    ) -> yishe_proto::report::report_service_client::ReportServiceClient<
        InterceptedService<Channel, Bearer>,
    > {
        yishe_proto::report::report_service_client::ReportServiceClient::with_interceptor(
            self.channel.clone(),
            self.bearer.clone(),
        )
    }

    pub(crate) fn directory(&self) -> DirectoryClient {
        DirectoryServiceClient::with_interceptor(self.channel.clone(), self.bearer.clone())
    }
}

/// The referral client the CLI's commands use.
pub(crate) type ReferralClient = ReferralServiceClient<InterceptedService<Channel, Bearer>>;

/// The directory client the CLI's commands use.
pub(crate) type DirectoryClient = DirectoryServiceClient<InterceptedService<Channel, Bearer>>;
