//! The deployment files in `deploy/` held to the code, since no Docker engine or
//! cluster runs here: every YAML file parses; every Kustomization names files that
//! exist; each Deployment runs a binary the workspace builds, from the image the
//! Dockerfile makes, with probes, ports, Services, budgets and autoscalers that fit
//! together and a shutdown that fits in its grace period; every `YISHE_*` variable is a
//! setting the server reads; every Secret named is made by the manifests, the operator
//! or the steps the overlay lists; every gRPC service the gateway routes is in the
//! contract, and every service of the contract is routed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn deploy() -> PathBuf {
    repo().join("deploy")
}

/// Every document of a YAML file, as JSON values.
fn documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|document| {
            serde::Deserialize::deserialize(document)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
        })
        .filter(|document: &Value| !document.is_null())
        .collect()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The objects an overlay applies: its own files and its bases', as Kustomize reads
/// them (each Kustomization's `resources`, files or directories).
fn objects_of(kustomization_dir: &Path) -> Vec<Value> {
    let kustomization = &documents(&kustomization_dir.join("kustomization.yaml"))[0];
    assert_eq!(kustomization["kind"], "Kustomization");
    let mut objects = Vec::new();
    for resource in kustomization["resources"].as_array().expect("resources") {
        let path = kustomization_dir.join(resource.as_str().unwrap());
        assert!(
            path.exists(),
            "{} names {}",
            kustomization_dir.display(),
            path.display()
        );
        if path.is_dir() {
            objects.extend(objects_of(&path));
        } else {
            objects.extend(documents(&path));
        }
    }
    objects
}

fn of_kind<'a>(objects: &'a [Value], kind: &str) -> Vec<&'a Value> {
    objects.iter().filter(|o| o["kind"] == kind).collect()
}

fn name(object: &Value) -> &str {
    object["metadata"]["name"].as_str().expect("a named object")
}

fn overlays() -> Vec<PathBuf> {
    ["single-node", "production"]
        .iter()
        .map(|o| deploy().join("kubernetes/overlays").join(o))
        .collect()
}

/// The binaries the workspace builds: each service's package and the CLI.
fn binaries() -> BTreeSet<String> {
    let mut names = BTreeSet::from(["yishe".to_owned()]);
    for entry in std::fs::read_dir(repo().join("services")).unwrap() {
        let manifest = std::fs::read_to_string(entry.unwrap().path().join("Cargo.toml")).unwrap();
        let manifest: toml::Value = toml::from_str(&manifest).unwrap();
        names.insert(manifest["package"]["name"].as_str().unwrap().to_owned());
    }
    names
}

/// The gRPC services of the contract (`yishe.referral.v1.ReferralService`).
fn contract_services() -> BTreeSet<String> {
    let mut services = BTreeSet::new();
    let mut stack = vec![repo().join("proto/yishe")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let package = text
                .lines()
                .find_map(|l| l.strip_prefix("package "))
                .map(|p| p.trim_end_matches(';').to_owned());
            for line in text.lines() {
                if let Some(service) = line.strip_prefix("service ") {
                    let service = service.split_whitespace().next().unwrap();
                    services.insert(format!("{}.{service}", package.clone().unwrap()));
                }
            }
        }
    }
    services
}

fn version_image() -> String {
    format!("yishe:{}", env!("CARGO_PKG_VERSION"))
}

#[test]
fn every_yaml_file_in_deploy_parses() {
    let files = yaml_files(&deploy());
    assert!(files.len() >= 15, "{files:?}");
    for file in files {
        let docs = documents(&file);
        assert!(!docs.is_empty(), "{} is empty", file.display());
        if file.starts_with(deploy().join("kubernetes")) {
            for doc in &docs {
                assert!(doc["apiVersion"].is_string(), "{}: {doc}", file.display());
                assert!(doc["kind"].is_string(), "{}: {doc}", file.display());
                if doc["kind"] != "Kustomization" {
                    name(doc);
                }
            }
        }
    }
}

/// What each Deployment of each overlay runs, and how it starts and stops.
#[test]
fn deployments_run_what_the_workspace_builds() {
    let binaries = binaries();
    let dockerfile = std::fs::read_to_string(deploy().join("Dockerfile")).unwrap();
    let base = objects_of(&deploy().join("kubernetes/base"));
    let config = &of_kind(&base, "ConfigMap")[0]["data"];
    let port_of = |setting: &str| -> u64 {
        let listen = config[setting].as_str().unwrap();
        listen.rsplit(':').next().unwrap().parse().unwrap()
    };
    let shutdown_grace: u64 = config["YISHE_SHUTDOWN_GRACE_SECS"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    for (key, _) in config.as_object().unwrap() {
        assert!(
            yishe_runtime::config::is_setting_variable(key),
            "the ConfigMap sets {key}, which the server does not read"
        );
    }

    for overlay in overlays() {
        let objects = objects_of(&overlay);
        let deployments = of_kind(&objects, "Deployment");
        assert!(!deployments.is_empty(), "{}", overlay.display());
        for deployment in deployments {
            let spec = &deployment["spec"];
            let pod = &spec["template"]["spec"];
            let container = &pod["containers"][0];
            let what = format!("{} in {}", name(deployment), overlay.display());

            let command = container["command"][0].as_str().unwrap();
            let binary = command.strip_prefix("/usr/local/bin/").expect(&what);
            assert!(binaries.contains(binary), "{what} runs {binary}");
            assert!(
                dockerfile.contains(&format!("target/release/{binary}")),
                "the Dockerfile does not copy {binary}"
            );
            assert_eq!(container["image"], version_image().as_str(), "{what}");

            let ports: BTreeMap<&str, u64> = container["ports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap(),
                        p["containerPort"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(ports["grpc"], port_of("YISHE_GRPC_LISTEN"), "{what}");
            assert_eq!(ports["metrics"], port_of("YISHE_HTTP_LISTEN"), "{what}");
            if let Some(console) = ports.get("console") {
                assert_eq!(*console, port_of("YISHE_CONSOLE__LISTEN"), "{what}");
            }
            for probe in ["readinessProbe", "livenessProbe"] {
                assert_eq!(
                    container[probe]["grpc"]["port"].as_u64(),
                    Some(ports["grpc"]),
                    "{what}: {probe} is grpc.health.v1 on the gRPC port"
                );
            }

            // The endpoints drop the pod during preStop, calls drain for the server's
            // grace, and both fit before Kubernetes kills it.
            let pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
                .as_u64()
                .expect(&what);
            let termination = pod["terminationGracePeriodSeconds"].as_u64().unwrap();
            assert!(pre_stop < termination, "{what}");
            assert!(pre_stop + shutdown_grace <= termination, "{what}");

            for variable in container["env"].as_array().unwrap() {
                let variable = variable["name"].as_str().unwrap();
                if variable.starts_with("YISHE_") {
                    assert!(
                        yishe_runtime::config::is_setting_variable(variable),
                        "{what} sets {variable}, which the server does not read"
                    );
                }
            }
            assert_eq!(
                container["envFrom"][0]["configMapRef"]["name"], "yishe-config",
                "{what}"
            );
            assert_eq!(container["securityContext"]["runAsNonRoot"], true, "{what}");
        }
    }
}

/// Services select pods that exist and name their ports; budgets, autoscalers and the
/// network policy point at what is there.
#[test]
fn services_budgets_autoscalers_and_policies_fit_the_deployments() {
    for overlay in overlays() {
        let objects = objects_of(&overlay);
        let pods: BTreeMap<&str, &Value> = of_kind(&objects, "Deployment")
            .into_iter()
            .map(|d| (name(d), &d["spec"]["template"]))
            .collect();
        let pod_named = |selector: &Value| -> Option<&str> {
            pods.iter()
                .find(|(_, template)| {
                    selector
                        .as_object()
                        .unwrap()
                        .iter()
                        .all(|(k, v)| template["metadata"]["labels"][k] == *v)
                })
                .map(|(n, _)| *n)
        };
        for service in of_kind(&objects, "Service") {
            let pod = pod_named(&service["spec"]["selector"])
                .unwrap_or_else(|| panic!("Service {} selects no pod", name(service)));
            let container = &pods[pod]["spec"]["containers"][0];
            for port in service["spec"]["ports"].as_array().unwrap() {
                let target = port["targetPort"].as_str().unwrap();
                assert!(
                    container["ports"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["name"] == target),
                    "Service {} targets {target}, which {pod} does not name",
                    name(service)
                );
            }
        }
        for budget in of_kind(&objects, "PodDisruptionBudget") {
            assert!(pod_named(&budget["spec"]["selector"]["matchLabels"]).is_some());
        }
        for scaler in of_kind(&objects, "HorizontalPodAutoscaler") {
            let target = scaler["spec"]["scaleTargetRef"]["name"].as_str().unwrap();
            let deployment = of_kind(&objects, "Deployment")
                .into_iter()
                .find(|d| name(d) == target)
                .unwrap_or_else(|| panic!("an autoscaler of {target}, which is not deployed"));
            assert_eq!(
                scaler["spec"]["minReplicas"], deployment["spec"]["replicas"],
                "{target}"
            );
        }
        let monitors = of_kind(&objects, "ServiceMonitor");
        assert_eq!(monitors.len(), 1, "{}", overlay.display());
        let monitor = &monitors[0]["spec"];
        let scraped: Vec<&Value> = of_kind(&objects, "Service")
            .into_iter()
            .filter(|s| {
                monitor["selector"]["matchLabels"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .all(|(k, v)| s["metadata"]["labels"][k] == *v)
            })
            .collect();
        assert_eq!(
            scraped.len(),
            pods.len(),
            "every process's Service is scraped ({})",
            overlay.display()
        );
        for endpoint in monitor["endpoints"].as_array().unwrap() {
            for service in &scraped {
                assert!(
                    service["spec"]["ports"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|p| p["name"] == endpoint["port"]),
                    "{} has no {} port",
                    name(service),
                    endpoint["port"]
                );
            }
            assert!(
                endpoint["relabelings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["targetLabel"] == "job" && r["replacement"] == "yishe"),
                "the rules select job=\"yishe\""
            );
        }
        for policy in of_kind(&objects, "NetworkPolicy") {
            let selected = pod_named(&policy["spec"]["podSelector"]["matchLabels"]);
            assert!(selected.is_some(), "the network policy selects no pod");
            for rule in policy["spec"]["ingress"].as_array().unwrap() {
                for port in rule["ports"].as_array().unwrap() {
                    let port = port["port"].as_str().unwrap();
                    assert!(["grpc", "metrics", "console"].contains(&port), "{port}");
                    // The console's port is for the station's browsers only.
                    if port == "console" {
                        for from in rule["from"].as_array().unwrap() {
                            assert_eq!(
                                from["namespaceSelector"]["matchLabels"]["yishe.example/network"],
                                "staff",
                                "{from}"
                            );
                        }
                    }
                }
            }
        }
    }
}

/// One node on SQLite: one replica, replaced by stopping the old one first, and
/// nothing that would stop a node from draining.
#[test]
fn the_single_node_overlay_never_runs_two_writers_of_one_file() {
    let objects = objects_of(&deploy().join("kubernetes/overlays/single-node"));
    let deployments = of_kind(&objects, "Deployment");
    assert_eq!(deployments.len(), 1);
    let spec = &deployments[0]["spec"];
    assert_eq!(spec["replicas"], 1);
    assert_eq!(spec["strategy"]["type"], "Recreate");
    assert!(of_kind(&objects, "HorizontalPodAutoscaler").is_empty());
    assert!(of_kind(&objects, "PodDisruptionBudget").is_empty());
    let pod = &spec["template"]["spec"];
    assert_eq!(
        pod["volumes"][0]["persistentVolumeClaim"]["claimName"],
        name(of_kind(&objects, "PersistentVolumeClaim")[0])
    );
    let env: Vec<&str> = pod["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(
        !env.contains(&"YISHE_DATABASE_URL"),
        "the embedded database"
    );
}

/// Production: PostgreSQL by CloudNativePG with synchronous replication, reached through
/// its pooler; clients rebalance; every Secret named is made somewhere or listed.
#[test]
fn production_runs_on_the_operators_postgres_through_its_pooler() {
    let overlay = deploy().join("kubernetes/overlays/production");
    let objects = objects_of(&overlay);
    let cluster = of_kind(&objects, "Cluster")[0];
    assert_eq!(cluster["apiVersion"], "postgresql.cnpg.io/v1");
    assert!(cluster["spec"]["instances"].as_u64().unwrap() >= 3);
    assert!(
        cluster["spec"]["postgresql"]["synchronous"]["number"]
            .as_u64()
            .unwrap()
            >= 1
    );
    let pooler = of_kind(&objects, "Pooler")[0];
    assert_eq!(pooler["spec"]["cluster"]["name"], name(cluster));
    let number = |v: &Value| -> u64 { v.as_str().unwrap().parse().unwrap() };
    assert!(
        pooler["spec"]["instances"].as_u64().unwrap()
            * number(&pooler["spec"]["pgbouncer"]["parameters"]["default_pool_size"])
            < number(&cluster["spec"]["postgresql"]["parameters"]["max_connections"]),
        "the pooler's pools fit in the cluster's connections"
    );
    // Pods that trust x-forwarded-for take gRPC calls from the gateway only.
    let policy = of_kind(&objects, "NetworkPolicy")[0];
    for rule in policy["spec"]["ingress"].as_array().unwrap() {
        if rule["ports"][0]["port"] != "grpc" {
            continue;
        }
        for from in rule["from"].as_array().unwrap() {
            let namespace = &from["namespaceSelector"]["matchLabels"];
            assert!(
                namespace.is_null() || namespace["yishe.example/network"] == "gateway",
                "a client reaching the pods directly could name any address: {from}"
            );
        }
    }
    assert_eq!(
        pooler["spec"]["pgbouncer"]["poolMode"], "session",
        "LISTEN and sqlx's prepared statements need session pooling"
    );
    // What the operator creates for the cluster, and what the overlay asks for.
    let listed = std::fs::read_to_string(overlay.join("kustomization.yaml")).unwrap();
    let operator_made = format!("{}-app", name(cluster));
    let made: BTreeSet<&str> = of_kind(&objects, "Secret").into_iter().map(name).collect();

    for deployment in of_kind(&objects, "Deployment") {
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        let env: BTreeMap<&str, &Value> = container["env"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| (v["name"].as_str().unwrap(), v))
            .collect();
        let url = env["YISHE_DATABASE_URL"]["value"].as_str().unwrap();
        assert!(
            url.starts_with("postgres://") && url.contains(&format!("@{}:", name(pooler))),
            "{} connects to {url}",
            name(deployment)
        );
        let age: u64 = env["YISHE_MAX_CONNECTION_AGE_SECS"]["value"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(age > 0, "clients rebalance over replicas");
        for variable in env.values() {
            if let Some(secret) = variable["valueFrom"]["secretKeyRef"]["name"].as_str() {
                assert!(
                    made.contains(secret) || secret == operator_made || listed.contains(secret),
                    "{} reads the Secret {secret}, which nothing makes",
                    name(deployment)
                );
            }
        }
    }
    for gateway in of_kind(&objects, "Gateway") {
        for listener in gateway["spec"]["listeners"].as_array().unwrap() {
            for certificate in listener["tls"]["certificateRefs"].as_array().unwrap() {
                let secret = certificate["name"].as_str().unwrap();
                assert!(made.contains(secret) || listed.contains(secret), "{secret}");
            }
        }
    }
}

/// The gateway routes every service of the contract, and only those, to a Service of
/// the overlay.
#[test]
fn the_gateway_routes_every_service_of_the_contract() {
    let objects = objects_of(&deploy().join("kubernetes/overlays/production"));
    let services: BTreeSet<&str> = of_kind(&objects, "Service").into_iter().map(name).collect();
    let mut routed = BTreeSet::new();
    for route in of_kind(&objects, "GRPCRoute") {
        for rule in route["spec"]["rules"].as_array().unwrap() {
            for backend in rule["backendRefs"].as_array().unwrap() {
                let backend = backend["name"].as_str().unwrap();
                assert!(services.contains(backend), "a route to {backend}");
            }
            for matched in rule["matches"].as_array().unwrap() {
                routed.insert(matched["method"]["service"].as_str().unwrap().to_owned());
            }
        }
    }
    let contract = contract_services();
    let standard: BTreeSet<String> = [
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let unknown: Vec<&String> = routed
        .difference(&contract)
        .filter(|s| !standard.contains(*s))
        .collect();
    assert!(
        unknown.is_empty(),
        "routes to services not in the contract: {unknown:?}"
    );
    let unrouted: Vec<&String> = contract.difference(&routed).collect();
    assert!(
        unrouted.is_empty(),
        "services of the contract no route reaches: {unrouted:?}"
    );
}

/// The compose file builds the image the manifests name, sets only settings the server
/// reads, and mounts files that exist; Prometheus scrapes the job the rules expect.
#[test]
fn compose_and_prometheus_fit_the_server() {
    let compose_dir = deploy().join("compose");
    let compose = &documents(&compose_dir.join("compose.yaml"))[0];
    let yishe = &compose["services"]["yishe"];
    assert_eq!(yishe["image"], version_image().as_str());
    assert_eq!(yishe["build"]["dockerfile"], "deploy/Dockerfile");
    assert!(
        compose_dir
            .join(yishe["build"]["context"].as_str().unwrap())
            .join("deploy/Dockerfile")
            .is_file()
    );
    for (variable, _) in yishe["environment"].as_object().unwrap() {
        assert!(
            yishe_runtime::config::is_setting_variable(variable)
                || ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"]
                    .contains(&variable.as_str()),
            "compose sets {variable}, which the server does not read"
        );
    }
    // The events go to the file's NATS server, with JetStream on.
    let nats = yishe["environment"]["YISHE_NATS_URL"].as_str().unwrap();
    assert_eq!(nats, "nats://nats:4222");
    let nats_command = compose["services"]["nats"]["command"].to_string();
    assert!(
        nats_command.contains("-js"),
        "NATS runs JetStream: {nats_command}"
    );
    // Spans go to the collector's OTLP/gRPC port, and on from there to a service of
    // the file.
    assert_eq!(
        yishe["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"],
        "http://otel-collector:4317"
    );
    let collector = &documents(&compose_dir.join("otel-collector.yaml"))[0];
    assert_eq!(
        collector["receivers"]["otlp"]["protocols"]["grpc"]["endpoint"],
        "0.0.0.0:4317"
    );
    let pipeline = &collector["service"]["pipelines"]["traces"];
    for exporter in pipeline["exporters"].as_array().unwrap() {
        let endpoint = collector["exporters"][exporter.as_str().unwrap()]["endpoint"]
            .as_str()
            .unwrap();
        let host = endpoint.split(':').next().unwrap();
        assert!(
            compose["services"].get(host).is_some(),
            "the collector sends to {host}, which compose does not run"
        );
    }
    for service in compose["services"].as_object().unwrap().values() {
        for volume in service["volumes"].as_array().into_iter().flatten() {
            let source = volume.as_str().unwrap().split(':').next().unwrap();
            if source.starts_with('.') {
                assert!(compose_dir.join(source).exists(), "compose mounts {source}");
            }
        }
    }
    let prometheus = &documents(&deploy().join("prometheus/prometheus.yml"))[0];
    assert_eq!(
        prometheus["scrape_configs"][0]["job_name"], "yishe",
        "the rules select job=\"yishe\""
    );
    let target = prometheus["scrape_configs"][0]["static_configs"][0]["targets"][0]
        .as_str()
        .unwrap();
    assert_eq!(target, "yishe:9464", "the compose service's metrics port");
}
