//! What `deploy/` hands ops, held to what the server does: every metric a Grafana
//! dashboard or a Prometheus rule names is one a running server exports (scraped over a
//! day at a station that makes each of them happen), and every dashboard query is
//! PromQL that promtool accepts. CI also runs `promtool check rules` and `promtool test
//! rules` on the rules themselves.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use yishe_proto::common::Priority;
use yishe_proto::directory::CertificationLevel;
use yishe_proto::followup::{Channel, Contact, RecordContactRequest};
use yishe_proto::referral::*;
use yishe_testserver::{metric_names, plans};

use crate::assessment::risky_assessment;
use crate::report::close;
use crate::support::{Station, TestApp, create_referral, e2e};

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

fn dashboards() -> Vec<PathBuf> {
    let dir = deploy().join("grafana/dashboards");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "the service and station dashboards");
    files
}

/// Every query of every dashboard panel.
fn dashboard_queries() -> Vec<String> {
    let mut queries = Vec::new();
    for file in dashboards() {
        let text = std::fs::read_to_string(&file).unwrap();
        let dashboard: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", file.display()));
        let panels = dashboard["panels"].as_array().expect("panels");
        for panel in panels {
            for target in panel["targets"].as_array().expect("targets") {
                queries.push(target["expr"].as_str().expect("a PromQL expr").to_owned());
            }
        }
    }
    queries
}

/// The metric names a text uses: words that start as Yishe's and the gRPC metrics do.
/// Recording rules' names (`yishe:...`) are the rules' own, not the server's.
fn metrics_named_in(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|word| !word.contains(':'))
        .filter(|word| word.starts_with("yishe_") || word.starts_with("grpc_server_"))
        .map(str::to_owned)
        .collect()
}

fn named_by_deploy() -> BTreeSet<String> {
    let rules = std::fs::read_to_string(deploy().join("prometheus/rules.yml")).unwrap();
    let mut named = metrics_named_in(&rules);
    for query in dashboard_queries() {
        named.extend(metrics_named_in(&query));
    }
    named
}

/// A day at the station that makes every metric happen: a referral accepted, assigned,
/// contacted and closed; an assessment that raises a risk flag (and schedules its
/// safety check); a referral nobody accepts; then a day passes, so that one misses its
/// deadline and the safety check is overdue and escalated. The names are gathered over
/// the day, since a gauge of open things is gone once they close.
async fn every_metric_deploy_names_is_exported(app: TestApp, station: Station) {
    let named = named_by_deploy();
    assert!(named.len() > 20, "the scan found the metrics: {named:?}");
    let mut exported = metric_names(&app.metrics().await);

    let closing = station
        .assigned_referral(&app, "closing", Priority::Routine)
        .await;
    // The station meets the patient half an hour after the referral came in.
    app.clock.advance(Duration::from_secs(3600));
    app.followups(Some(&station.worker_key))
        .record_contact(RecordContactRequest {
            referral_id: closing.id.clone(),
            request_id: "c1".into(),
            contact: Some(Contact {
                contact_time: Some(prost_types::Timestamp {
                    seconds: yishe_domain::Clock::now(app.clock.as_ref()).timestamp() - 1800,
                    nanos: 0,
                }),
                channel: Channel::WardVisit as i32,
                participants: vec!["患者".into()],
                minutes: 20,
                note: "患者不需要进一步服务".into(),
                ..Default::default()
            }),
        })
        .await
        .expect("the first contact");
    let (_, supervisor) =
        plans::supervisor(&app, &station, "周督导", CertificationLevel::Intermediate).await;
    close(
        &app,
        &station,
        &supervisor,
        &closing.id,
        ClosureOutcome::PatientDeclinedServices,
    )
    .await;

    risky_assessment(&app, &station).await;
    create_referral(&app, &station, "nobody-accepts").await;
    let _watching = app
        .referrals(Some(&station.supervisor_key))
        .watch_referral_events(WatchReferralEventsRequest::after(0))
        .await
        .unwrap();
    exported.extend(metric_names(&app.metrics().await));

    // A day and more: the urgent referral misses its deadline, the safety check is
    // overdue and escalated (the watches look every second in tests).
    app.clock.advance(Duration::from_secs(26 * 3600));
    let mut scrape = String::new();
    for _ in 0..100 {
        scrape = app.metrics().await;
        if scrape.contains("yishe_referral_sla_breaches_total{")
            && scrape.contains(r#"escalated="true""#)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    exported.extend(metric_names(&scrape));

    let missing: Vec<&String> = named.difference(&exported).collect();
    assert!(
        missing.is_empty(),
        "deploy/ names metrics the server does not export: {missing:?}"
    );
}

e2e!(every_metric_deploy_names_is_exported);

/// promtool, from the PATH or `YISHE_PROMTOOL`; `None` (after saying so loudly) where
/// it is not installed, unless `YISHE_REQUIRE_PROMTOOL` is set (CI), which fails.
fn promtool() -> Option<PathBuf> {
    let named = std::env::var_os("YISHE_PROMTOOL").map(PathBuf::from);
    let found = named.or_else(|| {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("promtool"))
                .find(|candidate| candidate.is_file())
        })
    });
    if found.is_none() {
        let message = "SKIPPED: the dashboards' queries need promtool \
                       (Debian's prometheus package, or YISHE_PROMTOOL)";
        assert!(
            std::env::var_os("YISHE_REQUIRE_PROMTOOL").is_none(),
            "{message}"
        );
        eprintln!("\n*** {message} ***\n");
    }
    found
}

/// Each dashboard query, with Grafana's variables filled in as Grafana would, checked
/// by promtool as a recording rule: a typo in a query fails here, not on a wall screen.
#[test]
fn every_dashboard_query_is_valid_promql() {
    let Some(promtool) = promtool() else { return };
    let mut rules = String::from("groups:\n  - name: dashboards\n    rules:\n");
    let queries = dashboard_queries();
    for (i, query) in queries.iter().enumerate() {
        let filled = query
            .replace("$__range", "1h")
            .replace("$station", ".*")
            .replace("$job", ".*")
            .replace("$instance", ".*");
        assert!(!filled.contains('$'), "an unknown variable in {query}");
        let quoted = serde_json::to_string(&filled).unwrap();
        rules.push_str(&format!(
            "      - record: dashboard:query_{i}\n        expr: {quoted}\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dashboards.yml");
    std::fs::write(&file, rules).unwrap();
    let checked = std::process::Command::new(&promtool)
        .args(["check", "rules"])
        .arg(&file)
        .output()
        .expect("promtool runs");
    assert!(
        checked.status.success(),
        "promtool refused a dashboard query:\n{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(
        said.contains(&format!("SUCCESS: {} rules found", queries.len())),
        "{said}"
    );
}

/// The gRPC codes the rules and dashboards match are spelled as the server labels them
/// (`INTERNAL`, not `Internal`): a matcher that names no code the server exports
/// matches nothing, and its alert never fires.
#[test]
fn every_grpc_code_matched_is_one_the_server_labels() {
    let exported: BTreeSet<&str> = (0..=16)
        .map(|n| yishe_runtime::status::code_name(tonic::Code::from_i32(n)))
        .collect();
    let rules = std::fs::read_to_string(deploy().join("prometheus/rules.yml")).unwrap();
    let mut texts = dashboard_queries();
    texts.push(rules);
    let mut matched = 0;
    for text in &texts {
        for (i, _) in text.match_indices("grpc_code") {
            let rest = &text[i + "grpc_code".len()..];
            // `by (grpc_code)` groups; only `grpc_code="…"` and its kin match.
            if !rest.starts_with(['=', '!']) {
                continue;
            }
            let value = rest
                .trim_start_matches(['=', '~', '!'])
                .strip_prefix('"')
                .and_then(|v| v.split('"').next())
                .expect("a quoted value");
            for code in value.split('|') {
                assert!(
                    exported.contains(code),
                    "{code} is not a code the server labels calls with: {exported:?}"
                );
                matched += 1;
            }
        }
    }
    assert!(matched >= 10, "the scan found the matchers: {matched}");
}
