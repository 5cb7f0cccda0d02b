//! `podcast:value` (channel or item) read into podsmith's own `[value]`
//! ([`crate::value::Value`]), so that the new feed writes the same block.
//! A block the checks of [`crate::value::problems`] would refuse is left
//! out, and each of its problems reported.

use super::channel::{elements, Prefixes};
use super::report::Report;
use crate::value::{problems, Recipient, RemoteItem, TimeSplit, Value};
use rss::extension::{Extension, ExtensionMap};

/// The first `podcast:value` of `ext` as a `[value]` that passes
/// podsmith's checks; `whose` names the channel or item in messages and
/// `audio_seconds` bounds the time splits.
pub fn read(
    ext: &ExtensionMap,
    prefixes: &Prefixes,
    whose: &str,
    audio_seconds: Option<f64>,
    report: &mut Report,
) -> Option<Value> {
    let v = elements(ext, &prefixes.podcast, "value")
        .into_iter()
        .next()?;
    let value = match convert(v) {
        Ok(value) => value,
        Err(why) => {
            report.fixed(format!("{whose}: its podcast:value is left out: {why}"));
            return None;
        }
    };
    let found = problems(&value, audio_seconds);
    if found.is_empty() {
        return Some(value);
    }
    for p in found {
        report.fixed(format!(
            "{whose}: its podcast:value is left out: {} ({})",
            p.message,
            p.keys.join(".")
        ));
    }
    None
}

fn attr(e: &Extension, name: &str) -> Option<String> {
    e.attrs()
        .get(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn number(e: &Extension, name: &str) -> Result<Option<f64>, String> {
    match attr(e, name) {
        None => Ok(None),
        Some(t) => t
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Some)
            .ok_or_else(|| format!("{name}={t:?} is not a number")),
    }
}

fn whole(e: &Extension, name: &str) -> Result<Option<i64>, String> {
    match number(e, name)? {
        Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => Ok(Some(n as i64)),
        Some(n) => Err(format!("{name}={n} is not a whole number")),
        None => Ok(None),
    }
}

fn children<'a>(e: &'a Extension, name: &str) -> impl Iterator<Item = &'a Extension> {
    e.children().get(name).into_iter().flatten()
}

/// The element as a [`Value`], or why it cannot be one.
pub fn convert(v: &Extension) -> Result<Value, String> {
    Ok(Value {
        kind: attr(v, "type").unwrap_or_else(|| "lightning".into()),
        method: attr(v, "method").unwrap_or_else(|| "keysend".into()),
        suggested: attr(v, "suggested"),
        tip_line: false,
        recipients: children(v, "valueRecipient")
            .map(recipient)
            .collect::<Result<_, _>>()?,
        time_splits: children(v, "valueTimeSplit")
            .map(time_split)
            .collect::<Result<_, _>>()?,
    })
}

fn recipient(r: &Extension) -> Result<Recipient, String> {
    Ok(Recipient {
        name: attr(r, "name"),
        kind: attr(r, "type").unwrap_or_default(),
        address: attr(r, "address").unwrap_or_default(),
        split: whole(r, "split")?.ok_or("a valueRecipient has no split")?,
        fee: attr(r, "fee").is_some_and(|f| f.eq_ignore_ascii_case("true")),
        custom_key: attr(r, "customKey"),
        custom_value: attr(r, "customValue"),
    })
}

fn time_split(t: &Extension) -> Result<TimeSplit, String> {
    let remote_item = children(t, "remoteItem").next().map(|i| RemoteItem {
        feed_guid: attr(i, "feedGuid").unwrap_or_default(),
        item_guid: attr(i, "itemGuid"),
        feed_url: attr(i, "feedUrl"),
        medium: attr(i, "medium"),
    });
    Ok(TimeSplit {
        start: number(t, "startTime")?.ok_or("a valueTimeSplit has no startTime")?,
        duration: number(t, "duration")?.ok_or("a valueTimeSplit has no duration")?,
        remote_start: number(t, "remoteStartTime")?,
        remote_percentage: whole(t, "remotePercentage")?,
        recipients: children(t, "valueRecipient")
            .map(recipient)
            .collect::<Result<_, _>>()?,
        remote_item,
    })
}

/// `[value]` as front matter or `podcast.toml` text (with a blank line
/// before it), leaving out what is the default.
pub fn to_toml(value: &Value) -> String {
    let Ok(toml::Value::Table(mut table)) = toml::Value::try_from(value) else {
        return String::new();
    };
    table.remove("tip_line");
    if value.time_splits.is_empty() {
        table.remove("time_splits");
    }
    let tidy = |r: &mut toml::Value| {
        if let Some(t) = r.as_table_mut() {
            if t.get("fee") == Some(&toml::Value::Boolean(false)) {
                t.remove("fee");
            }
        }
    };
    if let Some(toml::Value::Array(list)) = table.get_mut("recipients") {
        list.iter_mut().for_each(tidy);
    }
    if let Some(toml::Value::Array(splits)) = table.get_mut("time_splits") {
        for s in splits {
            if let Some(t) = s.as_table_mut() {
                if t.get("recipients")
                    .and_then(|r| r.as_array())
                    .is_some_and(|r| r.is_empty())
                {
                    t.remove("recipients");
                }
                if let Some(toml::Value::Array(list)) = t.get_mut("recipients") {
                    list.iter_mut().for_each(tidy);
                }
            }
        }
    }
    let mut outer = toml::Table::new();
    outer.insert("value".into(), toml::Value::Table(table));
    toml::to_string(&outer)
        .map(|t| format!("\n{t}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE: &str = "03ae9f91a0cb8ff43840e3c322c4c61f019d8c1c3cea15a25cfc425ac605e61a4a";

    #[test]
    fn written_value_reads_back_the_same() {
        let value = Value {
            kind: "lightning".into(),
            method: "keysend".into(),
            suggested: Some("0.00000005000".into()),
            tip_line: false,
            recipients: vec![Recipient {
                name: Some("A \"b\"".into()),
                kind: "node".into(),
                address: NODE.into(),
                split: 95,
                fee: false,
                custom_key: Some("696969".into()),
                custom_value: Some("x".into()),
            }],
            time_splits: vec![TimeSplit {
                start: 60.0,
                duration: 237.5,
                remote_start: Some(0.0),
                remote_percentage: Some(95),
                recipients: Vec::new(),
                remote_item: Some(RemoteItem {
                    feed_guid: "917393e3-1b1e-5cef-ace4-edaa54e1f810".into(),
                    item_guid: Some("i".into()),
                    feed_url: None,
                    medium: None,
                }),
            }],
        };
        let text = to_toml(&value);
        #[derive(serde::Deserialize)]
        struct Front {
            value: Value,
        }
        let back: Front = toml::from_str(&text).unwrap();
        assert_eq!(back.value, value, "{text}");
        assert!(
            !text.contains("tip_line") && !text.contains("fee ="),
            "{text}"
        );
    }
}
