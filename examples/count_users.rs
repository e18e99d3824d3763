//! Counts a Synapse server's user accounts with the `synadm` library: connect with an admin
//! token, stream every page of the user list (guests and deactivated accounts included),
//! print how many accounts there are and how many of them are admins.
//!
//! ```sh
//! SYNAPSE_URL=http://localhost:8008 SYNAPSE_TOKEN=syt_… cargo run --example count_users
//! ```
//!
//! `PAGE_SIZE` sets the users per request (default 500).

use futures::TryStreamExt;
use std::time::Duration;
use synadm::api::{Connection, Transport, call, pages};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}

async fn run() -> Result<(), synadm::Error> {
    let var =
        |name: &str| std::env::var(name).map_err(|_| synadm::Error::Config(format!("set {name}")));
    let client = Connection {
        transport: Transport::Http,
        base_url: var("SYNAPSE_URL")?,
        token: Some(var("SYNAPSE_TOKEN")?),
        timeout: Duration::from_secs(30),
        verify_tls: true,
        admin_path: synadm::api::DEFAULT_ADMIN_PATH.to_string(),
        matrix_path: synadm::api::DEFAULT_MATRIX_PATH.to_string(),
        verbose: 0,
    }
    .client()?;

    let page_size = match std::env::var("PAGE_SIZE") {
        Ok(n) => n
            .parse()
            .map_err(|_| synadm::Error::Usage(format!("PAGE_SIZE {n:?} is not a number")))?,
        Err(_) => 500,
    };

    // One page at a time, following `next_token` to the end.
    let (mut users, mut admins) = (0, 0);
    let fetch = |from| {
        let request = client.list_users().from(from).limit(page_size);
        call(request.guests(true).deactivated(true).send())
    };
    let mut stream = std::pin::pin!(pages(0, fetch));
    while let Some(page) = stream.try_next().await? {
        users += page.len();
        admins += page.iter().filter(|u| u.admin).count();
    }
    println!("{users} accounts, {admins} admins");
    Ok(())
}
