//! "Value for value" settings: `[value]` in podcast.toml or an episode's
//! front matter (`podcast:value`, `podcast:valueRecipient`,
//! `podcast:valueTimeSplit`), and their checks. The feed writes them in
//! `feed::p20`.

use serde::{Deserialize, Serialize};

/// `[value]`: how listeners' apps pay the show.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Value {
    /// The payment layer (`podcast:value type`), e.g. `lightning`.
    #[serde(rename = "type", default = "default_type")]
    pub kind: String,
    /// The transport (`method`), e.g. `keysend`.
    #[serde(default = "default_method")]
    pub method: String,
    /// A suggested amount per payment, as a decimal in the layer's unit
    /// (`"0.00000005000"` BTC is 5 sats); written as it is given.
    #[serde(default)]
    pub suggested: Option<String>,
    /// Show a "Support with a tip" line on value-enabled episodes' pages.
    #[serde(default)]
    pub tip_line: bool,
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    #[serde(default)]
    pub time_splits: Vec<TimeSplit>,
}

fn default_type() -> String {
    "lightning".into()
}
fn default_method() -> String {
    "keysend".into()
}

/// `[[value.recipients]]`: who gets a share (`podcast:valueRecipient`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    #[serde(default)]
    pub name: Option<String>,
    /// `node` (a Lightning node's public key) or `lnaddress` (`name@host`).
    #[serde(rename = "type")]
    pub kind: String,
    pub address: String,
    /// Shares, not percent: each recipient gets split / sum of splits.
    pub split: i64,
    /// A fee taken off the top before the other splits.
    #[serde(default)]
    pub fee: bool,
    #[serde(default)]
    pub custom_key: Option<String>,
    #[serde(default)]
    pub custom_value: Option<String>,
}

/// `[[value.time_splits]]`: a stretch of the audio that pays others
/// (`podcast:valueTimeSplit`): its own recipients, or a remote item's.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TimeSplit {
    /// Seconds from the start of the audio.
    pub start: f64,
    /// Seconds.
    pub duration: f64,
    /// Where in the remote item the stretch begins, seconds.
    #[serde(default)]
    pub remote_start: Option<f64>,
    /// The remote item's recipients' share, 0–100 (default 100).
    #[serde(default)]
    pub remote_percentage: Option<i64>,
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    #[serde(default)]
    pub remote_item: Option<RemoteItem>,
}

/// A reference to another feed or one of its items (`podcast:remoteItem`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Hash)]
#[serde(deny_unknown_fields)]
pub struct RemoteItem {
    pub feed_guid: String,
    #[serde(default)]
    pub item_guid: Option<String>,
    #[serde(default)]
    pub feed_url: Option<String>,
    #[serde(default)]
    pub medium: Option<String>,
}

impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Every field, floats included, through its JSON form.
        serde_json::to_string(self).unwrap_or_default().hash(state);
    }
}

/// A problem with a `[value]` table: where (keys below `[value]`), what,
/// and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub keys: Vec<String>,
    pub message: String,
    pub help: &'static str,
}

/// Whether `address` is a Lightning node's public key: 66 hexadecimal
/// characters (a compressed secp256k1 key, starting 02 or 03).
pub fn is_node_address(address: &str) -> bool {
    address.len() == 66
        && address.bytes().all(|b| b.is_ascii_hexdigit())
        && (address.starts_with("02") || address.starts_with("03"))
}

/// Whether `address` is a Lightning address: `name@host.tld`, the name of
/// lower-case letters, digits and `-_.+`.
pub fn is_lightning_address(address: &str) -> bool {
    let Some((name, host)) = address.split_once('@') else {
        return false;
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.+".contains(&b))
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Every problem of a `[value]` table. `audio_seconds`, when known, bounds
/// the time splits.
pub fn problems(value: &Value, audio_seconds: Option<f64>) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |keys: Vec<String>, message: String, help: &'static str| {
        out.push(Problem {
            keys,
            message,
            help,
        })
    };
    if value.kind.trim().is_empty() {
        push(
            vec!["type".into()],
            "`[value] type` is empty".into(),
            "write type = \"lightning\"",
        );
    }
    if value.method.trim().is_empty() {
        push(
            vec!["method".into()],
            "`[value] method` is empty".into(),
            "write method = \"keysend\"",
        );
    }
    if let Some(s) = &value.suggested {
        let ok = s
            .trim()
            .parse::<f64>()
            .is_ok_and(|v| v.is_finite() && v > 0.0)
            && s.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.');
        if !ok {
            push(
                vec!["suggested".into()],
                format!("`[value] suggested` = {s:?} is not a positive decimal number"),
                "write the amount as a quoted decimal, e.g. suggested = \"0.00000005000\" (5 sats)",
            );
        }
    }
    if value.recipients.is_empty() {
        push(
            vec!["type".into()],
            "`[value]` has no recipients: apps have no one to pay".into(),
            "add [[value.recipients]] with type, address and split",
        );
    }
    let recipients = |list: &[Recipient], prefix: Vec<String>, out: &mut Vec<Problem>| {
        for (i, r) in list.iter().enumerate() {
            let at = |key: &str| {
                let mut k = prefix.clone();
                k.extend([i.to_string(), key.to_string()]);
                k
            };
            if r.split <= 0 {
                out.push(Problem {
                    keys: at("split"),
                    message: format!(
                        "recipient {}: `split` = {} must be a positive whole number (shares)",
                        i + 1,
                        r.split
                    ),
                    help: "each recipient gets split / the sum of all splits; e.g. 90 and 10",
                });
            }
            let address = r.address.trim();
            match r.kind.as_str() {
                "node" if !is_node_address(address) => out.push(Problem {
                    keys: at("address"),
                    message: format!(
                        "recipient {}: {address:?} is not a Lightning node address (66 hexadecimal characters, starting 02 or 03)",
                        i + 1
                    ),
                    help: "copy the node's public key from your wallet or host",
                }),
                "lnaddress" if !is_lightning_address(address) => out.push(Problem {
                    keys: at("address"),
                    message: format!(
                        "recipient {}: {address:?} is not a Lightning address (name@host)",
                        i + 1
                    ),
                    help: "write it as your wallet shows it, e.g. show@getalby.com",
                }),
                "node" | "lnaddress" => {}
                other => out.push(Problem {
                    keys: at("type"),
                    message: format!(
                        "recipient {}: `type` = {other:?} is not one podsmith knows",
                        i + 1
                    ),
                    help: "use \"node\" (a node's public key) or \"lnaddress\" (name@host)",
                }),
            }
            if r.custom_key.is_some() != r.custom_value.is_some() {
                out.push(Problem {
                    keys: at(if r.custom_key.is_some() {
                        "custom_key"
                    } else {
                        "custom_value"
                    }),
                    message: format!(
                        "recipient {}: `custom_key` and `custom_value` go together",
                        i + 1
                    ),
                    help: "set both (as your host gives them) or neither",
                });
            }
        }
    };
    recipients(&value.recipients, vec!["recipients".into()], &mut out);
    for (i, t) in value.time_splits.iter().enumerate() {
        let at = |key: &str| vec!["time_splits".to_string(), i.to_string(), key.to_string()];
        let n = i + 1;
        out.extend(stretch_problems(
            &format!("time split {n}"),
            &at,
            (t.start, t.duration),
            audio_seconds,
            (
                "seconds from the start of the audio, e.g. start = 60",
                "the stretch's length in seconds, e.g. duration = 240",
            ),
        ));
        if let Some(p) = t.remote_percentage {
            if !(0..=100).contains(&p) {
                out.push(Problem {
                    keys: at("remote_percentage"),
                    message: format!("time split {n}: `remote_percentage` = {p} is not 0–100"),
                    help: "the remote recipients' share in percent",
                });
            }
        }
        match (&t.remote_item, t.recipients.is_empty()) {
            (Some(_), false) | (None, true) => out.push(Problem {
                keys: at("start"),
                message: format!(
                    "time split {n} needs either `recipients` or a `remote_item`, not both or neither"
                ),
                help: "add [[value.time_splits.recipients]], or remote_item = { feed_guid = \"…\", item_guid = \"…\" }",
            }),
            _ => {}
        }
        if let Some(item) = &t.remote_item {
            if uuid::Uuid::parse_str(item.feed_guid.trim()).is_err() {
                out.push(Problem {
                    keys: vec![
                        "time_splits".into(),
                        i.to_string(),
                        "remote_item".into(),
                        "feed_guid".into(),
                    ],
                    message: format!(
                        "time split {n}: `feed_guid` = {:?} is not a podcast:guid (a UUID)",
                        item.feed_guid
                    ),
                    help: "copy the other show's podcast:guid from its feed",
                });
            }
        }
        if t.remote_item.is_none() {
            recipients(
                &t.recipients,
                vec!["time_splits".into(), i.to_string(), "recipients".into()],
                &mut out,
            );
        }
    }
    out
}

/// The problems of a stretch of the audio, `(start, duration)` in seconds,
/// named `what` ("time split 2", "soundbite 1") at the keys `at` makes:
/// a start that is not a time, a duration that is not positive, an end past
/// the audio's `total` seconds (when known). `help` is for start, duration.
pub fn stretch_problems(
    what: &str,
    at: &dyn Fn(&str) -> Vec<String>,
    (start, duration): (f64, f64),
    total: Option<f64>,
    help: (&'static str, &'static str),
) -> Vec<Problem> {
    let mut out = Vec::new();
    if !(start.is_finite() && start >= 0.0) {
        out.push(Problem {
            keys: at("start"),
            message: format!("{what}: `start` = {start} is not a time"),
            help: help.0,
        });
    }
    if !(duration.is_finite() && duration > 0.0) {
        out.push(Problem {
            keys: at("duration"),
            message: format!("{what}: `duration` = {duration} must be positive"),
            help: help.1,
        });
    }
    if let Some(total) = total.filter(|t| *t > 0.0) {
        if start + duration > total + 0.5 {
            out.push(Problem {
                keys: at("start"),
                message: format!(
                    "{what} runs to {}, past the end of the audio ({})",
                    crate::site::format_clock(start + duration),
                    crate::site::format_clock(total)
                ),
                help: "correct `start` or `duration` (seconds)",
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE: &str = "02d5c1bf8b940dc9cadca86d1b0a3c37fbe39cee4c7e839e33bef9174531d27f52";

    #[test]
    fn addresses() {
        assert!(is_node_address(NODE));
        assert!(!is_node_address(&NODE[..65]));
        assert!(!is_node_address(&NODE.replace('d', "x")));
        assert!(!is_node_address(&format!("04{}", &NODE[2..])));
        assert!(is_lightning_address("show@getalby.com"));
        assert!(!is_lightning_address("Show@getalby.com"));
        assert!(!is_lightning_address("show@localhost"));
        assert!(!is_lightning_address("getalby.com"));
    }

    #[test]
    fn problems_are_found() {
        let v: Value = toml::from_str(&format!(
            r#"
suggested = "abc"
[[recipients]]
type = "node"
address = "{NODE}"
split = 0
[[recipients]]
type = "lnaddress"
address = "nope"
split = 5
[[time_splits]]
start = 60
duration = 600
"#
        ))
        .unwrap();
        let found = problems(&v, Some(300.0));
        let keys: Vec<String> = found.iter().map(|p| p.keys.join(".")).collect();
        assert_eq!(
            keys,
            [
                "suggested",
                "recipients.0.split",
                "recipients.1.address",
                "time_splits.0.start",
                "time_splits.0.start"
            ],
            "{found:#?}"
        );
    }
}
