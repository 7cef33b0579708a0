//! The workloads, each driven against the real server and, where it has one, its SQL
//! mirror after the server stopped (so the two never share the machine).

use std::sync::Arc;
use std::time::Duration;

use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use yishe_proto::client::Bearer;
use yishe_proto::referral::ListReferralsRequest;
use yishe_proto::referral::referral_service_client::ReferralServiceClient;

use crate::feed;
use crate::load::{self, Drive, Stats};
use crate::mirror;
use crate::report::Row;
use crate::seed::Station;
use crate::server::{Engine, Server};

pub(crate) type Referrals = ReferralServiceClient<InterceptedService<Channel, Bearer>>;

/// The steady pace of the watched creates: 200 creates a second, seen by 1,000
/// supervisors, is 200,000 deliveries a second.
const WATCHED_CREATE_RATE: f64 = 200.0;

/// How long and how hard each workload runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) warm_up: Duration,
    pub(crate) measure: Duration,
    /// Referrals seeded before the list workloads.
    pub(crate) referrals: usize,
    /// The watcher counts of the feed workloads.
    pub(crate) watchers: &'static [usize],
    /// The groups of workloads to run.
    pub(crate) groups: &'static [Group],
}

/// A group of workloads, chosen with `--only`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Group {
    Health,
    Create,
    Replay,
    Feed,
    List,
}

impl Plan {
    pub(crate) fn drive(&self, callers: usize) -> Drive {
        Drive {
            callers,
            warm_up: self.warm_up,
            measure: self.measure,
            rate: None,
        }
    }
}

/// One client per caller, each on its own connection.
pub(crate) async fn clients(server: &Server, key: &str, callers: usize) -> Vec<Referrals> {
    let mut clients = Vec::with_capacity(callers);
    for _ in 0..callers {
        clients.push(ReferralServiceClient::with_interceptor(
            server.channel().await,
            Bearer::new(Some(key)).expect("ascii key"),
        ));
    }
    clients
}

/// Every workload on `engine`.
pub(crate) async fn run(engine: Engine, postgres: &str, plan: Plan, rows: &mut Vec<Row>) {
    let mut server = match Server::start(engine, postgres).await {
        Ok(server) => server,
        Err(why) => {
            eprintln!("bench: {} skipped: {why}", engine.name());
            return;
        }
    };
    let station = Station::seed(&server).await;
    let mut measured = Vec::new();
    let mut row = |workload: String, yishe: Stats, note: String, mirror: Option<Mirror>| {
        measured.push((
            Row {
                workload,
                engine,
                yishe,
                mirror: None,
                paced_mirror: None,
                note,
            },
            mirror,
        ));
    };

    let runs = |group: Group| plan.groups.contains(&group);
    if runs(Group::Health) {
        row(
            "health check (no auth, no database)".into(),
            health(&server, plan).await,
            String::new(),
            None,
        );
    }
    for callers in [16, 1] {
        if !runs(Group::Create) || callers == 1 && engine == Engine::Sqlite {
            continue;
        }
        let (stats, note) =
            counting_commits(&server, plan, create(&server, &station, plan, callers)).await;
        row(
            format!("CreateReferral, {callers} callers"),
            stats,
            note,
            Some(Mirror::Create(callers)),
        );
    }
    if runs(Group::Replay) {
        row(
            "replay of one request_id, 16 callers".into(),
            replay(&server, &station, plan).await,
            String::new(),
            None,
        );
    }
    for &watchers in plan.watchers.iter().filter(|_| runs(Group::Feed)) {
        for rate in [None, Some(WATCHED_CREATE_RATE)] {
            let pace = rate.map_or("as fast as they can".into(), |r| format!("at {r:.0}/s"));
            let (stats, note) =
                feed::watched_creates(&server, &station, plan, watchers, rate).await;
            row(
                format!("4 callers creating {pace} while {watchers} supervisors watch"),
                stats,
                note,
                None,
            );
        }
    }
    if runs(Group::List) {
        station.seed_referrals(&server, plan.referrals).await;
    }
    for (name, filter, sql) in [
        ("", "", ""),
        (
            " status=REQUESTED AND priority=URGENT",
            "status=REQUESTED AND priority=URGENT",
            " AND r.status = 'REQUESTED' AND r.priority = 'URGENT'",
        ),
    ]
    .into_iter()
    .filter(|_| runs(Group::List))
    {
        let (stats, note) =
            counting_commits(&server, plan, list(&server, &station, plan, filter)).await;
        let workload = format!(
            "ListReferrals{name}, first page of 50, {} referrals, 8 callers",
            plan.referrals
        );
        row(workload, stats, note, Some(Mirror::List(sql)));
    }
    server.stop_serving().await;

    // The mirrors, with the server stopped: as fast as they can, then held to the rate
    // Yishe reached, where the database's cost per call is what Yishe's was at it
    // (group commit shares a WAL flush among more commits at a higher rate).
    for (mut row, mirror_of) in measured {
        if let Some(mirror_of) = mirror_of {
            let yishe_rate = row.yishe.throughput();
            row.mirror = Some(mirror_of.run(engine, &server, &station, plan, None).await);
            row.paced_mirror = Some(
                mirror_of
                    .run(engine, &server, &station, plan, Some(yishe_rate))
                    .await,
            );
        }
        rows.push(row);
    }
    server.remove().await;
}

/// Runs `work` (driven by `plan`) and counts the COMMITs (each one fsync) the server
/// made in its measured window, every write transaction's (the calls', the relay's,
/// the sealer's): per call, below one where group commit shared them.
async fn counting_commits(
    server: &Server,
    plan: Plan,
    work: impl std::future::Future<Output = Stats>,
) -> (Stats, String) {
    let store = server.store.clone();
    let at_start = tokio::spawn(async move {
        tokio::time::sleep(plan.warm_up).await;
        store.commits()
    });
    let stats = work.await;
    let (before, after) = (at_start.await.expect("a count"), server.store.commits());
    let (commits, transactions) = (
        after.commits - before.commits,
        after.transactions - before.transactions,
    );
    let note = format!(
        "{:.2} fsyncs (COMMITs) per call: {commits} for {} calls and {transactions} write transactions",
        commits as f64 / stats.ok.max(1) as f64,
        stats.ok
    );
    (stats, note)
}

/// Which SQL mirror a workload has.
#[derive(Debug, Clone, Copy)]
enum Mirror {
    /// The create path, with this many callers.
    Create(usize),
    /// The list path, with this SQL filter.
    List(&'static str),
}

impl Mirror {
    /// Runs this mirror on the stopped server's database, as fast as it can or at
    /// `rate` calls a second.
    async fn run(
        self,
        engine: Engine,
        server: &Server,
        station: &Station,
        plan: Plan,
        rate: Option<f64>,
    ) -> Stats {
        let drive = |callers| Drive {
            rate,
            ..plan.drive(callers)
        };
        match self {
            Mirror::Create(callers) => {
                mirror::create(engine, &server.url, &station.department, drive(callers)).await
            }
            Mirror::List(filter) => mirror::list(engine, &server.url, filter, drive(8)).await,
        }
    }
}

/// `grpc.health.v1` Check: what tonic alone costs.
async fn health(server: &Server, plan: Plan) -> Stats {
    let mut clients = Vec::new();
    for _ in 0..16 {
        clients.push(tonic_health::pb::health_client::HealthClient::new(
            server.channel().await,
        ));
    }
    let clients = Arc::new(clients);
    load::run(plan.drive(16), move |caller, _| {
        let mut client = clients[caller].clone();
        async move {
            client
                .check(tonic_health::pb::HealthCheckRequest {
                    service: String::new(),
                })
                .await
                .is_ok()
        }
    })
    .await
}

async fn create(server: &Server, station: &Station, plan: Plan, callers: usize) -> Stats {
    creates(server, station, plan.drive(callers)).await
}

/// New referrals from the HIS, driven by `drive`.
pub(crate) async fn creates(server: &Server, station: &Station, drive: Drive) -> Stats {
    let clients = Arc::new(clients(server, &station.his_key, drive.callers).await);
    let station = station.clone();
    let run = uuid::Uuid::now_v7().simple().to_string();
    load::run(drive, move |caller, n| {
        let mut client = clients[caller].clone();
        let request = station.referral(format!("{run}-{caller}-{n}"));
        async move { client.create_referral(request).await.is_ok() }
    })
    .await
}

async fn replay(server: &Server, station: &Station, plan: Plan) -> Stats {
    let clients = Arc::new(clients(server, &station.his_key, 16).await);
    let request = station.referral(format!("replayed-{}", uuid::Uuid::now_v7().simple()));
    load::run(plan.drive(16), move |caller, _| {
        let mut client = clients[caller].clone();
        let request = request.clone();
        async move { client.create_referral(request).await.is_ok() }
    })
    .await
}

async fn list(server: &Server, station: &Station, plan: Plan, filter: &str) -> Stats {
    let clients = Arc::new(clients(server, &station.supervisor_key, 8).await);
    let filter = filter.to_owned();
    load::run(plan.drive(8), move |caller, _| {
        let mut client = clients[caller].clone();
        let request = ListReferralsRequest {
            filter: filter.clone(),
            page_size: 50,
            ..Default::default()
        };
        async move {
            client
                .list_referrals(request)
                .await
                .is_ok_and(|page| page.into_inner().referrals.len() == 50)
        }
    })
    .await
}
