//! Running the real `yishe` binary against a test server.

use std::process::Output;

use yishe_testserver::TestApp;

pub(crate) struct Cli<'a> {
    pub(crate) app: &'a TestApp,
}

impl Cli<'_> {
    pub(crate) async fn run(&self, key: &str, args: &[&str]) -> Output {
        self.run_with_input(key, args, "").await
    }

    /// Runs `yishe` with `input` on its standard input (for interactive prompts).
    pub(crate) async fn run_with_input(&self, key: &str, args: &[&str], input: &str) -> Output {
        self.run_keyed(Some(key), args, input).await
    }

    /// Runs `yishe` with `YISHE_KEY` set to `key`, or unset for `None`.
    pub(crate) async fn run_keyed(&self, key: Option<&str>, args: &[&str], input: &str) -> Output {
        use tokio::io::AsyncWriteExt;
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_yishe"));
        match key {
            Some(key) => command.env("YISHE_KEY", key),
            None => command.env_remove("YISHE_KEY"),
        };
        let mut child = command
            .args(args)
            .env("YISHE_ADDR", format!("http://{}", self.app.grpc_addr))
            .env_remove("YISHE_DATA_DIR")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).await.unwrap();
        drop(stdin);
        child.wait_with_output().await.unwrap()
    }

    pub(crate) async fn ok(&self, key: &str, args: &[&str]) -> String {
        let out = self.run(key, args).await;
        assert!(
            out.status.success(),
            "yishe {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }
}
