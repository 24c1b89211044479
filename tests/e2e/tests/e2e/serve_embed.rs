//! `serve` embedded in another tokio program through the library (`serve::Server`, as in
//! `host/examples/embed_serve.rs`): the caller's listener, the caller's shutdown.

use connector_host::config::ConfigFile;
use connector_host::serve::{Connect, ServeArgs, Server};
use e2e_tests::wrike;
use fake_wrike::FakeWrike;
use serde_json::Value;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_runs_on_the_callers_listener_and_stops_on_the_callers_shutdown() {
    let fake = FakeWrike::start().unwrap();
    let folder = fake.folder_ids()[0].0.clone();
    let id = fake.create_task_direct(&folder, "embedded")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("events.jsonl");
    let file = ConfigFile::parse(&format!(
        r#"[serve]
state = "{state}"

[serve.sink]
type = "command"
argv = ["sh", "-c", "cat >> '{out}'"]

[[subscription]]
name = "tasks"
trigger = "new_or_updated_task"
input = {{ folderId = "{folder}" }}
interval_secs = 3600
"#,
        state = dir.path().join("state.db").display(),
        out = out.display(),
    ))
    .unwrap();
    let args = ServeArgs::default();
    let connect: &Connect = &|_, _| Ok(wrike(&fake));
    let server = Server::new(&args, &file, connect).unwrap();
    assert_eq!(server.config().subscriptions.len(), 1);

    // The caller's listener: an address the configuration does not name.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // `Server` borrows the caller's configuration, so it runs beside the checks, not spawned.
    let running = server.run(listener, async {
        let _ = stopped.await;
    });
    let checks = async {
        let health = reqwest::get(format!("http://{addr}/healthz"))
            .await
            .unwrap();
        assert!(health.status().is_success());
        let deadline = Instant::now() + Duration::from_secs(30);
        let event = loop {
            let text = std::fs::read_to_string(&out).unwrap_or_default();
            if let Some(v) = text
                .lines()
                .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                .find(|v| v["event"]["id"] == id.as_str())
            {
                break v;
            }
            assert!(Instant::now() < deadline, "no event at the sink: {text}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert_eq!(event["subscription"], "tasks");
        // The caller's shutdown ends the run.
        stop.send(()).unwrap();
        Instant::now()
    };
    let (result, asked) = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(running, checks)
    })
    .await
    .expect("serve stops after the caller's shutdown");
    assert!(result.is_ok(), "{result:?}");
    let took = asked.elapsed();
    eprintln!("stopped {took:?} after the caller's shutdown");
    assert!(took < Duration::from_secs(5), "stopped only after {took:?}");
    assert!(
        reqwest::get(format!("http://{addr}/healthz"))
            .await
            .is_err(),
        "the listener is closed"
    );
}
