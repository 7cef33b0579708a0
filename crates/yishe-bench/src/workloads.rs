//! The workloads, each driven against the real server and, where it has one, its SQL
//! mirror after the server stopped (so the two never share the machine).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio_stream::StreamExt;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use yishe_proto::client::Bearer;
use yishe_proto::referral::referral_service_client::ReferralServiceClient;
use yishe_proto::referral::{ListReferralsRequest, WatchReferralEventsRequest};

use crate::load::{self, Drive, Stats};
use crate::mirror;
use crate::report::Row;
use crate::seed::Station;
use crate::server::{Engine, Server};

type Referrals = ReferralServiceClient<InterceptedService<Channel, Bearer>>;

/// How long and how hard each workload runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub(crate) warm_up: Duration,
    pub(crate) measure: Duration,
    /// Referrals seeded before the list workloads.
    pub(crate) referrals: usize,
    /// The watcher counts of the feed workloads.
    pub(crate) watchers: &'static [usize],
}

impl Plan {
    fn drive(&self, callers: usize) -> Drive {
        Drive {
            callers,
            warm_up: self.warm_up,
            measure: self.measure,
            rate: None,
        }
    }
}

/// One client per caller, each on its own connection.
async fn clients(server: &Server, key: &str, callers: usize) -> Vec<Referrals> {
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
                note,
            },
            mirror,
        ));
    };

    row(
        "health check (no auth, no database)".into(),
        health(&server, plan).await,
        String::new(),
        None,
    );
    for callers in [16, 1] {
        if callers == 1 && engine == Engine::Sqlite {
            continue;
        }
        let stats = create(&server, &station, plan, callers).await;
        row(
            format!("CreateReferral, {callers} callers"),
            stats,
            String::new(),
            Some(Mirror::Create(callers)),
        );
    }
    row(
        "replay of one request_id, 16 callers".into(),
        replay(&server, &station, plan).await,
        String::new(),
        None,
    );
    for &watchers in plan.watchers {
        let (stats, note) = watched_creates(&server, &station, plan, watchers).await;
        row(
            format!("4 callers creating while {watchers} supervisors watch"),
            stats,
            note,
            None,
        );
    }
    station.seed_referrals(&server, plan.referrals).await;
    for (name, filter, sql) in [
        ("", "", ""),
        (
            " status=REQUESTED AND priority=URGENT",
            "status=REQUESTED AND priority=URGENT",
            " AND r.status = 'REQUESTED' AND r.priority = 'URGENT'",
        ),
    ] {
        let stats = list(&server, &station, plan, filter).await;
        let workload = format!(
            "ListReferrals{name}, first page of 50, {} referrals, 8 callers",
            plan.referrals
        );
        row(workload, stats, String::new(), Some(Mirror::List(sql)));
    }
    server.stop_serving().await;

    // The mirrors, with the server stopped.
    let his_hash = yishe_runtime::auth::secrets::hash(&station.his_key);
    let supervisor_hash = yishe_runtime::auth::secrets::hash(&station.supervisor_key);
    for (mut row, mirror_of) in measured {
        row.mirror = match mirror_of {
            Some(Mirror::Create(callers)) => Some(
                mirror::create(
                    engine,
                    &server.url,
                    &his_hash,
                    &station.department,
                    plan.drive(callers),
                )
                .await,
            ),
            Some(Mirror::List(filter)) => Some(
                mirror::list(engine, &server.url, &supervisor_hash, filter, plan.drive(8)).await,
            ),
            None => None,
        };
        rows.push(row);
    }
    server.remove().await;
}

/// Which SQL mirror a workload has.
#[derive(Debug, Clone, Copy)]
enum Mirror {
    /// The create path, with this many callers.
    Create(usize),
    /// The list path, with this SQL filter.
    List(&'static str),
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
    let clients = Arc::new(clients(server, &station.his_key, callers).await);
    let station = station.clone();
    let run = uuid::Uuid::now_v7().simple().to_string();
    load::run(plan.drive(callers), move |caller, n| {
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
            page_token: String::new(),
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

/// Four callers create as fast as they can while `watchers` supervisors watch the whole
/// feed from now; notes the deliveries and how long an event took from its commit to a
/// watcher.
async fn watched_creates(
    server: &Server,
    station: &Station,
    plan: Plan,
    watchers: usize,
) -> (Stats, String) {
    let head = feed_head(server).await;
    let delivered = Arc::new(AtomicU64::new(0));
    let latency = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut streams = Vec::new();
    let channel = server.channel().await;
    for w in 0..watchers {
        let mut client = ReferralServiceClient::with_interceptor(
            channel.clone(),
            Bearer::new(Some(&station.supervisor_key)).expect("ascii key"),
        );
        let (delivered, latency) = (delivered.clone(), latency.clone());
        streams.push(tokio::spawn(async move {
            let Ok(stream) = client
                .watch_referral_events(WatchReferralEventsRequest {
                    after_sequence: head,
                })
                .await
            else {
                return;
            };
            let mut stream = stream.into_inner();
            while let Some(Ok(message)) = stream.next().await {
                delivered.fetch_add(1, Ordering::Relaxed);
                if w < 10
                    && let Some(at) = message.event.and_then(|e| e.occur_time)
                {
                    let sent = chrono::DateTime::from_timestamp(at.seconds, at.nanos as u32);
                    if let Some(sent) = sent {
                        let waited = chrono::Utc::now() - sent;
                        latency
                            .lock()
                            .expect("lock")
                            .push(waited.num_microseconds().unwrap_or(0));
                    }
                }
            }
        }));
    }
    // Let the watchers connect before the clock starts.
    tokio::time::sleep(Duration::from_millis(200 + watchers as u64)).await;
    let started = Instant::now();
    let stats = create(server, station, plan, 4).await;
    // The last events reach the watchers.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let elapsed = started.elapsed();
    for stream in streams {
        stream.abort();
    }
    let delivered = delivered.load(Ordering::Relaxed);
    let mut latency = latency.lock().expect("lock").clone();
    latency.sort_unstable();
    let p99 = latency
        .get(((latency.len() as f64 - 1.0) * 0.99).max(0.0) as usize)
        .map(|us| *us as f64 / 1000.0)
        .unwrap_or(0.0);
    let note = if watchers == 0 {
        String::new()
    } else {
        format!(
            "{delivered} deliveries ({:.0}/s); commit to watcher p99 {p99:.0} ms",
            delivered as f64 / elapsed.as_secs_f64()
        )
    };
    (stats, note)
}

/// The feed's last sequence, so watchers start from now.
async fn feed_head(server: &Server) -> u64 {
    let mut head = 0;
    loop {
        let page = server
            .store
            .feed_after(head, 1000)
            .await
            .unwrap_or_default();
        match page.last().and_then(|e| e.sequence) {
            Some(last) => head = last,
            None => return head,
        }
    }
}
