//! Hearing of responses as any instance stores them: on PostgreSQL each
//! stored response sends `NOTIFY civic_responses` with its id inside the
//! transaction that stores it (`responses::insert_submission`), delivered
//! at commit; a [`Listener`] `LISTEN`s on a connection of its own
//! (tokio-postgres, driven by the runtime: the server pushes, nothing is
//! asked on a timer). Diesel's connection can only look for notifications
//! already received, not wait for one.

use std::time::Duration;

use futures_util::StreamExt;
use tokio_postgres::AsyncMessage;

use crate::config::DatabaseUrl;

/// Where to listen: a PostgreSQL database. SQLite has no notifications.
#[derive(Clone)]
pub struct ListenTarget(crate::config::Redacted);

impl std::fmt::Debug for ListenTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListenTarget(..)")
    }
}

impl ListenTarget {
    /// `None` for SQLite.
    pub fn of(url: &DatabaseUrl) -> Option<ListenTarget> {
        match url {
            DatabaseUrl::Postgres(url) => Some(ListenTarget(url.clone())),
            DatabaseUrl::Sqlite(_) => None,
        }
    }
}

/// A connection listening for stored responses.
pub struct Listener {
    _client: tokio_postgres::Client,
    ids: tokio::sync::mpsc::UnboundedReceiver<String>,
    driver: tokio::task::JoinHandle<Result<(), tokio_postgres::Error>>,
}

impl Listener {
    /// Connects and listens. Fails for a server that insists on TLS, which
    /// this connection does not speak.
    pub async fn connect(target: &ListenTarget) -> anyhow::Result<Listener> {
        let mut config: tokio_postgres::Config = target.0.expose().parse()?;
        // A connection that silently died (a firewall's idle timeout) is
        // noticed within a minute (30 s idle, then 3 probes 10 s apart)
        // rather than the system's two hours and more.
        config
            .application_name("civic-survey live updates")
            .keepalives_idle(Duration::from_secs(30))
            .keepalives_interval(Duration::from_secs(10))
            .keepalives_retries(3)
            .connect_timeout(Duration::from_secs(10));
        let (client, mut connection) = config.connect(tokio_postgres::NoTls).await?;
        let (sender, ids) = tokio::sync::mpsc::unbounded_channel::<String>();
        // The connection must be driven for queries to be answered and
        // notifications to arrive; it ends when the client is dropped.
        let driver = tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                if let AsyncMessage::Notification(n) = message?
                    && sender.send(n.payload().to_owned()).is_err()
                {
                    break;
                }
            }
            Ok(())
        });
        client
            .batch_execute(&format!("LISTEN {}", super::responses::NOTIFY_CHANNEL))
            .await?;
        Ok(Listener {
            _client: client,
            ids,
            driver,
        })
    }

    /// The next stored response's id; an error when the connection is lost.
    pub async fn next(&mut self) -> anyhow::Result<i64> {
        loop {
            match self.ids.recv().await {
                Some(payload) => {
                    if let Ok(id) = payload.parse::<i64>() {
                        return Ok(id);
                    }
                }
                None => {
                    return match (&mut self.driver).await {
                        Ok(Ok(())) => Err(anyhow::anyhow!("the server closed the connection")),
                        Ok(Err(e)) => Err(e.into()),
                        Err(e) => Err(e.into()),
                    };
                }
            }
        }
    }
}
