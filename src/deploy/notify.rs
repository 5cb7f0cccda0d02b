//! Telling apps a feed changed, after a deploy: the WebSub publish ping
//! (`[feed] websub_hub`) and Podping's HTTP gateway (`[feed] podping`, with
//! the token from `PODPING_TOKEN`). A failed notification is a warning
//! naming the service and its answer; it never fails the deploy (apps still
//! find the episode when they next poll the feed).

use crate::config::Config;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use std::time::Duration;

/// Podping's HTTP gateway.
pub const PODPING_GATEWAY: &str = "https://podping.cloud/";

/// How one notification went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `WebSub hub https://...` or `Podping https://...`.
    pub service: String,
    /// `Ok`: the status; `Err`: what went wrong.
    pub result: std::result::Result<u16, String>,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.result {
            Ok(status) => write!(f, "Notified {} (HTTP {status}).", self.service),
            Err(why) => write!(
                f,
                "warning: could not notify {}: {why}; apps still see the episode when they next fetch the feed",
                self.service
            ),
        }
    }
}

fn encode(text: &str) -> String {
    utf8_percent_encode(text, NON_ALPHANUMERIC).to_string()
}

/// What a response says: its status when 2xx, else an error naming it.
async fn answer(sent: reqwest::Result<reqwest::Response>) -> std::result::Result<u16, String> {
    match sent {
        Ok(response) if response.status().is_success() => Ok(response.status().as_u16()),
        Ok(response) => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            let body: String = body.trim().chars().take(200).collect();
            Err(if body.is_empty() {
                format!("it answered HTTP {status}")
            } else {
                format!("it answered HTTP {status}: {body}")
            })
        }
        Err(e) => Err(format!("{e}")),
    }
}

/// Sends the notifications the settings ask for, for the feed at
/// `config.feed_url()`; returns how each went.
pub fn after_deploy(config: &Config) -> Vec<Outcome> {
    let feed_url = config.feed_url();
    let hub = config.feed.websub_hub.clone();
    let podping = config.feed.podping.then(|| {
        config
            .deploy
            .podping_gateway
            .clone()
            .unwrap_or_else(|| PODPING_GATEWAY.to_string())
    });
    if hub.is_none() && podping.is_none() {
        return Vec::new();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            return vec![Outcome {
                service: "apps".into(),
                result: Err(e.to_string()),
            }]
        }
    };
    let client = reqwest::Client::builder()
        .user_agent(concat!("podsmith/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(20))
        .build();
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            return vec![Outcome {
                service: "apps".into(),
                result: Err(e.to_string()),
            }]
        }
    };
    let mut outcomes = Vec::new();
    runtime.block_on(async {
        if let Some(hub) = hub {
            let body = format!("hub.mode=publish&hub.url={}", encode(&feed_url));
            let sent = client
                .post(&hub)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body)
                .send()
                .await;
            outcomes.push(Outcome {
                service: format!("WebSub hub {hub}"),
                result: answer(sent).await,
            });
        }
        if let Some(gateway) = podping {
            let service = format!("Podping {gateway}");
            let result = match std::env::var("PODPING_TOKEN") {
                Ok(token) if !token.trim().is_empty() => {
                    let sep = if gateway.contains('?') { '&' } else { '?' };
                    let url = format!(
                        "{gateway}{sep}url={}&reason=update&medium=podcast",
                        encode(&feed_url)
                    );
                    let sent = client
                        .get(&url)
                        .header(reqwest::header::AUTHORIZATION, token.trim())
                        .send()
                        .await;
                    answer(sent).await
                }
                _ => Err("PODPING_TOKEN is not set (Podping gives hosts a token; set it in the environment)".into()),
            };
            outcomes.push(Outcome { service, result });
        }
    });
    outcomes
}
