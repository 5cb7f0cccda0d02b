//! Podcasting 2.0 tags beyond the core ones in `feed::mod`: value for
//! value (`podcast:value` with its recipients and time splits).

use super::clean;
use crate::value::{Recipient, RemoteItem, TimeSplit, Value};
use rss::extension::Extension;
use std::collections::BTreeMap;

/// A `podcast:<name>` element with attributes (those with `None` left
/// out), an optional text and children.
pub(crate) fn element(
    name: &str,
    text: Option<&str>,
    attrs: &[(&str, Option<String>)],
    children: Vec<Extension>,
) -> Extension {
    let mut kids: BTreeMap<String, Vec<Extension>> = BTreeMap::new();
    for child in children {
        let local = child
            .name
            .split_once(':')
            .map_or(child.name.clone(), |(_, l)| l.to_string());
        kids.entry(local).or_default().push(child);
    }
    Extension {
        name: format!("podcast:{name}"),
        value: text
            .map(|t| clean(t).trim().to_string())
            .filter(|t| !t.is_empty()),
        attrs: attrs
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), clean(v.trim()))))
            .collect(),
        children: kids,
    }
}

/// Seconds as the namespace writes them: `60`, `62.5`.
pub fn seconds(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `podcast:value` with its recipients and time splits.
pub fn value(v: &Value) -> Extension {
    let mut children: Vec<Extension> = v.recipients.iter().map(recipient).collect();
    children.extend(v.time_splits.iter().map(time_split));
    element(
        "value",
        None,
        &[
            ("type", Some(v.kind.clone())),
            ("method", Some(v.method.clone())),
            ("suggested", v.suggested.clone()),
        ],
        children,
    )
}

fn recipient(r: &Recipient) -> Extension {
    element(
        "valueRecipient",
        None,
        &[
            ("name", r.name.clone()),
            ("type", Some(r.kind.clone())),
            ("address", Some(r.address.clone())),
            ("split", Some(r.split.to_string())),
            ("fee", r.fee.then(|| "true".to_string())),
            ("customKey", r.custom_key.clone()),
            ("customValue", r.custom_value.clone()),
        ],
        Vec::new(),
    )
}

fn time_split(t: &TimeSplit) -> Extension {
    let children = match &t.remote_item {
        Some(item) => vec![remote_item(item)],
        None => t.recipients.iter().map(recipient).collect(),
    };
    element(
        "valueTimeSplit",
        None,
        &[
            ("startTime", Some(seconds(t.start))),
            ("duration", Some(seconds(t.duration))),
            ("remoteStartTime", t.remote_start.map(seconds)),
            (
                "remotePercentage",
                t.remote_percentage.map(|p| p.to_string()),
            ),
        ],
        children,
    )
}

/// `podcast:remoteItem`: another feed, or one of its items.
pub fn remote_item(item: &RemoteItem) -> Extension {
    element(
        "remoteItem",
        None,
        &[
            ("feedGuid", Some(item.feed_guid.clone())),
            ("itemGuid", item.item_guid.clone()),
            ("feedUrl", item.feed_url.clone()),
            ("medium", item.medium.clone()),
        ],
        Vec::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_short() {
        assert_eq!(seconds(60.0), "60");
        assert_eq!(seconds(62.5), "62.5");
        assert_eq!(seconds(0.125), "0.125");
    }
}
