//! The workloads, each driven against the real server and, where it has one, its SQL
//! mirror in turns with it, the server stopped while the mirror runs (so the two never
//! share the machine).

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
    let row = |workload: String, yishe: Stats, note: String| Row {
        workload,
        engine,
        yishe,
        mirror: None,
        paced_mirror: None,
        note,
    };

    let runs = |group: Group| plan.groups.contains(&group);
    if runs(Group::Health) {
        let stats = health(&server, plan).await;
        rows.push(row(
            "health check (no auth, no database)".into(),
            stats,
            String::new(),
        ));
    }
    for callers in [16, 1] {
        if !runs(Group::Create) || callers == 1 && engine == Engine::Sqlite {
            continue;
        }
        let workload = format!("CreateReferral, {callers} callers");
        let mirror = Mirror::Create(callers);
        rows.push(alternated(&mut server, &station, plan, mirror, workload).await);
    }
    if runs(Group::Replay) {
        let stats = replay(&server, &station, plan).await;
        rows.push(row(
            "replay of one request_id, 16 callers".into(),
            stats,
            String::new(),
        ));
    }
    for &watchers in plan.watchers.iter().filter(|_| runs(Group::Feed)) {
        for rate in [None, Some(WATCHED_CREATE_RATE)] {
            let pace = rate.map_or("as fast as they can".into(), |r| format!("at {r:.0}/s"));
            let (stats, note) =
                feed::watched_creates(&server, &station, plan, watchers, rate).await;
            let workload = format!("4 callers creating {pace} while {watchers} supervisors watch");
            rows.push(row(workload, stats, note));
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
        let workload = format!(
            "ListReferrals{name}, first page of 50, {} referrals, 8 callers",
            plan.referrals
        );
        let mirror = Mirror::List { filter, sql };
        rows.push(alternated(&mut server, &station, plan, mirror, workload).await);
    }
    server.remove().await;
}

/// How many slices a workload with a mirror is measured in, each side's taking turns.
/// This machine's speed drifts: the same build's CPU per create moved between 104 and
/// 187 µs from one run to the next minutes later, so a mirror measured after all of
/// Yishe's workloads divided one speed by another. In turns, both sides see the same
/// drift.
const ROUNDS: u32 = 3;

/// A workload and its SQL mirror in turns on the same database, `ROUNDS` times: Yishe
/// for a slice of the measure, then with the server stopped (so the two never share
/// the machine) the mirror as fast as it can and again held to the rate Yishe just
/// reached (where the database's cost per call is what Yishe's was at it: group commit
/// shares a WAL flush among more commits at a higher rate), then the server again.
/// Each side's slices add up to one measure, and each slice warms up first.
async fn alternated(
    server: &mut Server,
    station: &Station,
    plan: Plan,
    mirror: Mirror,
    workload: String,
) -> Row {
    let slice = Plan {
        measure: plan.measure / ROUNDS,
        ..plan
    };
    let engine = server.engine;
    let (mut yishe, mut free, mut paced) = (None::<Stats>, None::<Stats>, None::<Stats>);
    let mut commits = Commits::default();
    // What the server wrote for this workload, read once before its mirror writes.
    let mut written = None;
    let add = |total: Option<Stats>, slice: Stats| match total {
        Some(total) => total.merge(slice),
        None => slice,
    };
    for _ in 0..ROUNDS {
        let (stats, counted) =
            counting_commits(server, slice, mirror.yishe(server, station, slice)).await;
        commits = commits + counted;
        let rate = stats.throughput();
        yishe = Some(add(yishe, stats));
        server.stop_serving().await;
        if written.is_none() {
            written = Some(mirror::Written::read(engine, &server.url, mirror.action()).await);
        }
        let w = written.as_ref().expect("read above");
        free = Some(add(free, mirror.run(server, station, w, slice, None).await));
        paced = Some(add(
            paced,
            mirror.run(server, station, w, slice, Some(rate)).await,
        ));
        server.serve_again().await;
    }
    let yishe = yishe.expect("at least one round");
    Row {
        workload,
        engine,
        note: commits.note(yishe.ok),
        yishe,
        mirror: free,
        paced_mirror: paced,
    }
}

/// The COMMITs (each one fsync) the server made in a measured window, every write
/// transaction's (the calls', the relay's, the sealer's): per call, below one where
/// group commit shared them.
#[derive(Debug, Default, Clone, Copy)]
struct Commits {
    commits: u64,
    transactions: u64,
}

impl std::ops::Add for Commits {
    type Output = Commits;
    fn add(self, other: Commits) -> Commits {
        Commits {
            commits: self.commits + other.commits,
            transactions: self.transactions + other.transactions,
        }
    }
}

impl Commits {
    fn note(self, calls: u64) -> String {
        format!(
            "{:.2} fsyncs (COMMITs) per call: {} for {calls} calls and {} write transactions",
            self.commits as f64 / calls.max(1) as f64,
            self.commits,
            self.transactions
        )
    }
}

/// Runs `work` (driven by `plan`) and counts the COMMITs the server made in its
/// measured window.
async fn counting_commits(
    server: &Server,
    plan: Plan,
    work: impl std::future::Future<Output = Stats>,
) -> (Stats, Commits) {
    let store = server.store.clone();
    let at_start = tokio::spawn(async move {
        tokio::time::sleep(plan.warm_up).await;
        store.commits()
    });
    let stats = work.await;
    let (before, after) = (at_start.await.expect("a count"), server.store.commits());
    let commits = Commits {
        commits: after.commits - before.commits,
        transactions: after.transactions - before.transactions,
    };
    (stats, commits)
}

/// Which SQL mirror a workload has.
#[derive(Debug, Clone, Copy)]
enum Mirror {
    /// The create path, with this many callers.
    Create(usize),
    /// The list path: the call's filter, and the same filter in SQL.
    List {
        filter: &'static str,
        sql: &'static str,
    },
}

impl Mirror {
    /// The audit action of the calls this mirrors.
    fn action(self) -> &'static str {
        match self {
            Mirror::Create(_) => "referral.create",
            Mirror::List { .. } => "referral.list",
        }
    }

    /// Drives Yishe through the workload this mirrors.
    async fn yishe(self, server: &Server, station: &Station, plan: Plan) -> Stats {
        match self {
            Mirror::Create(callers) => create(server, station, plan, callers).await,
            Mirror::List { filter, .. } => list(server, station, plan, filter).await,
        }
    }

    /// Runs this mirror on the stopped server's database, as fast as it can or at
    /// `rate` calls a second.
    async fn run(
        self,
        server: &Server,
        station: &Station,
        written: &mirror::Written,
        plan: Plan,
        rate: Option<f64>,
    ) -> Stats {
        let drive = |callers| Drive {
            rate,
            ..plan.drive(callers)
        };
        let (engine, url) = (server.engine, &server.url);
        match self {
            Mirror::Create(callers) => {
                let department = &station.department;
                mirror::create(engine, url, written.clone(), department, drive(callers)).await
            }
            Mirror::List { sql, .. } => {
                mirror::list(engine, url, written.clone(), sql, drive(8)).await
            }
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
