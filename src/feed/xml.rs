//! Writing the feed's XML with quick-xml's writer, from the `rss` crate's
//! types.
//!
//! Why not `Channel::write_to`: rss 2.1 writes only a whole document, every
//! item included, and its per-element writer (`ToXml`) is private. podsmith
//! streams the feed batch by batch (a 10,000-episode show never holds every
//! item's `content:encoded` at once) and `serve` keeps each item's XML
//! between rebuilds, so it needs the channel's head, each item and the tail
//! apart. This module writes them with quick-xml's `Writer`, element for
//! element in the order and form the crate's own writer uses (a test
//! compares both, byte for byte). The model (`Channel`, `Item`, the
//! extensions) and its builders stay the crate's. Fields podsmith never
//! sets (categories, cloud, text input, skip hours and days, Dublin Core,
//! syndication, an item's source) are refused, not silently dropped.

use crate::error::{Error, Result};
use quick_xml::events::{BytesCData, BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use rss::extension::itunes::{ITunesCategory, ITunesChannelExtension, ITunesItemExtension};
use rss::extension::{Extension, ExtensionMap};
use rss::{Channel, Item};
use std::collections::BTreeMap;
use std::io::Write;

type Xml<W> = Writer<W>;
type XmlResult = std::io::Result<()>;

fn failed(e: std::io::Error) -> Error {
    Error::new(None, format!("cannot write the feed: {e}"))
}

fn unsupported(what: &str) -> Error {
    Error::new(
        None,
        format!("cannot write the feed: podsmith's feed writer does not write {what}"),
    )
}

/// The XML declaration, `<rss>` with its namespaces, `<channel>` and every
/// field of `channel` before its items (`channel.items` must be empty, and
/// `channel.namespaces` must declare every prefix the items use, such as
/// `content`: unlike the crate, the head is written before the items).
pub fn head(channel: &Channel) -> Result<Vec<u8>> {
    refuse_unsupported_channel(channel)?;
    let mut w = Writer::new(Vec::new());
    write_head(&mut w, channel).map_err(failed)?;
    Ok(w.into_inner())
}

/// `</channel></rss>`.
pub fn tail() -> Result<Vec<u8>> {
    let mut w = Writer::new(Vec::new());
    (|| -> XmlResult {
        w.write_event(Event::End(BytesEnd::new("channel")))?;
        w.write_event(Event::End(BytesEnd::new("rss")))?;
        Ok(())
    })()
    .map_err(failed)?;
    Ok(w.into_inner())
}

/// One `<item>` element.
pub fn item(item: &Item) -> Result<Vec<u8>> {
    if !item.categories.is_empty() {
        return Err(unsupported("item categories"));
    }
    if item.source.is_some() || item.dublin_core_ext.is_some() {
        return Err(unsupported("an item's source or Dublin Core tags"));
    }
    let mut w = Writer::new(Vec::new());
    write_item(&mut w, item).map_err(failed)?;
    Ok(w.into_inner())
}

fn refuse_unsupported_channel(c: &Channel) -> Result<()> {
    if !c.items.is_empty() {
        return Err(unsupported("items inside the channel's head"));
    }
    let unsupported_set = !c.categories.is_empty()
        || c.rating.is_some()
        || c.docs.is_some()
        || c.cloud.is_some()
        || c.text_input.is_some()
        || !c.skip_hours.is_empty()
        || !c.skip_days.is_empty()
        || c.dublin_core_ext.is_some()
        || c.syndication_ext.is_some();
    if unsupported_set {
        return Err(unsupported(
            "channel categories, rating, docs, cloud, text input, skip hours or days, Dublin Core or syndication",
        ));
    }
    Ok(())
}

fn write_head<W: Write>(w: &mut Xml<W>, c: &Channel) -> XmlResult {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    let mut rss = BytesStart::new("rss");
    rss.push_attribute(("version", "2.0"));
    // As the crate does: the namespaces its extensions use, then the
    // channel's own (which win on a clash).
    let mut namespaces: BTreeMap<&str, &str> = BTreeMap::new();
    if c.itunes_ext.is_some() {
        namespaces.insert("itunes", rss::extension::itunes::NAMESPACE);
    }
    if c.atom_ext.is_some() {
        namespaces.insert("atom", rss::extension::atom::NAMESPACE);
    }
    namespaces.extend(c.namespaces.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for (prefix, uri) in namespaces {
        rss.push_attribute((format!("xmlns:{prefix}").as_str(), uri));
    }
    w.write_event(Event::Start(rss))?;
    w.write_event(Event::Start(BytesStart::new("channel")))?;
    text(w, "title", &c.title)?;
    text(w, "link", &c.link)?;
    text(w, "description", &c.description)?;
    opt_text(w, "language", &c.language)?;
    opt_text(w, "copyright", &c.copyright)?;
    opt_text(w, "managingEditor", &c.managing_editor)?;
    opt_text(w, "webMaster", &c.webmaster)?;
    opt_text(w, "pubDate", &c.pub_date)?;
    opt_text(w, "lastBuildDate", &c.last_build_date)?;
    opt_text(w, "generator", &c.generator)?;
    opt_text(w, "ttl", &c.ttl)?;
    if let Some(image) = &c.image {
        w.write_event(Event::Start(BytesStart::new("image")))?;
        text(w, "url", &image.url)?;
        text(w, "title", &image.title)?;
        text(w, "link", &image.link)?;
        opt_text(w, "width", &image.width)?;
        opt_text(w, "height", &image.height)?;
        opt_text(w, "description", &image.description)?;
        w.write_event(Event::End(BytesEnd::new("image")))?;
    }
    extensions(w, &c.extensions)?;
    if let Some(atom) = &c.atom_ext {
        atom_links(w, atom)?;
    }
    if let Some(itunes) = &c.itunes_ext {
        itunes_channel(w, itunes)?;
    }
    Ok(())
}

fn atom_links<W: Write>(w: &mut Xml<W>, atom: &rss::extension::atom::AtomExtension) -> XmlResult {
    for link in &atom.links {
        let mut e = BytesStart::new("atom:link");
        e.push_attribute(("href", link.href.as_str()));
        e.push_attribute(("rel", link.rel.as_str()));
        for (name, value) in [
            ("hreflang", &link.hreflang),
            ("type", &link.mime_type),
            ("title", &link.title),
            ("length", &link.length),
        ] {
            if let Some(value) = value {
                e.push_attribute((name, value.as_str()));
            }
        }
        w.write_event(Event::Empty(e))?;
    }
    Ok(())
}

fn itunes_channel<W: Write>(w: &mut Xml<W>, i: &ITunesChannelExtension) -> XmlResult {
    opt_text(w, "itunes:author", &i.author)?;
    opt_text(w, "itunes:block", &i.block)?;
    for category in &i.categories {
        itunes_category(w, category)?;
    }
    if let Some(image) = &i.image {
        let mut e = BytesStart::new("itunes:image");
        e.push_attribute(("href", image.as_str()));
        w.write_event(Event::Empty(e))?;
    }
    opt_text(w, "itunes:explicit", &i.explicit)?;
    opt_text(w, "itunes:complete", &i.complete)?;
    opt_text(w, "itunes:new-feed-url", &i.new_feed_url)?;
    if let Some(owner) = &i.owner {
        w.write_event(Event::Start(BytesStart::new("itunes:owner")))?;
        opt_text(w, "itunes:name", &owner.name)?;
        opt_text(w, "itunes:email", &owner.email)?;
        w.write_event(Event::End(BytesEnd::new("itunes:owner")))?;
    }
    opt_text(w, "itunes:subtitle", &i.subtitle)?;
    opt_text(w, "itunes:summary", &i.summary)?;
    opt_text(w, "itunes:keywords", &i.keywords)?;
    opt_text(w, "itunes:type", &i.r#type)
}

fn itunes_category<W: Write>(w: &mut Xml<W>, c: &ITunesCategory) -> XmlResult {
    let mut e = BytesStart::new("itunes:category");
    e.push_attribute(("text", c.text.as_str()));
    w.write_event(Event::Start(e))?;
    if let Some(sub) = &c.subcategory {
        itunes_category(w, sub)?;
    }
    w.write_event(Event::End(BytesEnd::new("itunes:category")))
}

fn write_item<W: Write>(w: &mut Xml<W>, i: &Item) -> XmlResult {
    w.write_event(Event::Start(BytesStart::new("item")))?;
    opt_text(w, "title", &i.title)?;
    opt_text(w, "link", &i.link)?;
    if let Some(description) = &i.description {
        cdata(w, "description", description)?;
    }
    opt_text(w, "author", &i.author)?;
    opt_text(w, "comments", &i.comments)?;
    if let Some(enclosure) = &i.enclosure {
        let mut e = BytesStart::new("enclosure");
        e.push_attribute(("url", enclosure.url.as_str()));
        e.push_attribute(("length", enclosure.length.as_str()));
        e.push_attribute(("type", enclosure.mime_type.as_str()));
        w.write_event(Event::Empty(e))?;
    }
    if let Some(guid) = &i.guid {
        let mut e = BytesStart::new("guid");
        if !guid.permalink {
            e.push_attribute(("isPermaLink", "false"));
        }
        w.write_event(Event::Start(e))?;
        w.write_event(Event::Text(BytesText::new(&guid.value)))?;
        w.write_event(Event::End(BytesEnd::new("guid")))?;
    }
    opt_text(w, "pubDate", &i.pub_date)?;
    if let Some(content) = &i.content {
        cdata(w, "content:encoded", content)?;
    }
    extensions(w, &i.extensions)?;
    if let Some(atom) = &i.atom_ext {
        atom_links(w, atom)?;
    }
    if let Some(itunes) = &i.itunes_ext {
        itunes_item(w, itunes)?;
    }
    w.write_event(Event::End(BytesEnd::new("item")))
}

fn itunes_item<W: Write>(w: &mut Xml<W>, i: &ITunesItemExtension) -> XmlResult {
    opt_text(w, "itunes:author", &i.author)?;
    opt_text(w, "itunes:block", &i.block)?;
    if let Some(image) = &i.image {
        // The crate writes the item's image as a start and end tag.
        let mut e = BytesStart::new("itunes:image");
        e.push_attribute(("href", image.as_str()));
        w.write_event(Event::Start(e))?;
        w.write_event(Event::End(BytesEnd::new("itunes:image")))?;
    }
    opt_text(w, "itunes:duration", &i.duration)?;
    opt_text(w, "itunes:explicit", &i.explicit)?;
    opt_text(w, "itunes:isClosedCaptioned", &i.closed_captioned)?;
    opt_text(w, "itunes:order", &i.order)?;
    opt_text(w, "itunes:subtitle", &i.subtitle)?;
    opt_text(w, "itunes:summary", &i.summary)?;
    opt_text(w, "itunes:keywords", &i.keywords)?;
    opt_text(w, "itunes:episode", &i.episode)?;
    opt_text(w, "itunes:season", &i.season)?;
    opt_text(w, "itunes:episodeType", &i.episode_type)
}

/// Every extension element, by prefix then local name (the maps' order).
fn extensions<W: Write>(w: &mut Xml<W>, map: &ExtensionMap) -> XmlResult {
    for by_name in map.values() {
        for e in by_name.values().flatten() {
            extension(w, e)?;
        }
    }
    Ok(())
}

fn extension<W: Write>(w: &mut Xml<W>, e: &Extension) -> XmlResult {
    let mut start = BytesStart::new(e.name.as_str());
    start.extend_attributes(e.attrs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    w.write_event(Event::Start(start))?;
    if let Some(value) = &e.value {
        w.write_event(Event::Text(BytesText::new(value)))?;
    }
    for child in e.children.values().flatten() {
        extension(w, child)?;
    }
    w.write_event(Event::End(BytesEnd::new(e.name.as_str())))
}

fn text<W: Write>(w: &mut Xml<W>, name: &str, value: &str) -> XmlResult {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    w.write_event(Event::Text(BytesText::new(value)))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

fn opt_text<W: Write>(w: &mut Xml<W>, name: &str, value: &Option<String>) -> XmlResult {
    match value {
        Some(value) => text(w, name, value),
        None => Ok(()),
    }
}

fn cdata<W: Write>(w: &mut Xml<W>, name: &str, value: &str) -> XmlResult {
    w.write_event(Event::Start(BytesStart::new(name)))?;
    BytesCData::escaped(value).try_for_each(|part| w.write_event(Event::CData(part)))?;
    w.write_event(Event::End(BytesEnd::new(name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rss::extension::atom::{AtomExtension, Link};
    use rss::extension::itunes::{
        ITunesChannelExtensionBuilder, ITunesItemExtensionBuilder, ITunesOwner,
    };
    use rss::{ChannelBuilder, EnclosureBuilder, GuidBuilder, ImageBuilder, ItemBuilder};

    fn podcast_ext(name: &str, value: Option<&str>, attrs: &[(&str, &str)]) -> Extension {
        Extension {
            name: format!("podcast:{name}"),
            value: value.map(str::to_string),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            children: BTreeMap::new(),
        }
    }

    /// A channel using every field podsmith's writer writes, with two items.
    fn sample() -> Channel {
        let mut podcast = BTreeMap::new();
        let mut parent = podcast_ext("value", None, &[("type", "lightning")]);
        parent.children.insert(
            "valueRecipient".into(),
            vec![podcast_ext(
                "valueRecipient",
                None,
                &[("name", "A & B"), ("split", "90")],
            )],
        );
        podcast.insert("value".to_string(), vec![parent]);
        podcast.insert(
            "guid".to_string(),
            vec![podcast_ext("guid", Some("x<y>"), &[])],
        );
        let mut ext = ExtensionMap::new();
        ext.insert("podcast".into(), podcast.clone());
        let mut namespaces = BTreeMap::new();
        namespaces.insert(
            "podcast".into(),
            "https://podcastindex.org/namespace/1.0".into(),
        );
        namespaces.insert(
            "content".into(),
            "http://purl.org/rss/1.0/modules/content/".into(),
        );
        let item = |n: &str| {
            ItemBuilder::default()
                .title(Some(format!("Episode {n} & \"more\"")))
                .link(Some(format!("https://e.org/{n}/")))
                .description(Some("<p>a ]]> b</p>".to_string()))
                .author(Some("x@e.org".into()))
                .comments(Some("https://e.org/c".into()))
                .content(Some(format!("<p>notes {n} ]]></p>")))
                .guid(Some(
                    GuidBuilder::default().value(n).permalink(false).build(),
                ))
                .pub_date(Some("Tue, 10 Feb 2026 08:00:00 +0000".into()))
                .enclosure(Some(
                    EnclosureBuilder::default()
                        .url("https://e.org/a.mp3")
                        .length("123")
                        .mime_type("audio/mpeg")
                        .build(),
                ))
                .itunes_ext(Some(
                    ITunesItemExtensionBuilder::default()
                        .author(Some("Host".into()))
                        .image(Some("https://e.org/i.png".into()))
                        .duration(Some("61".into()))
                        .explicit(Some("false".into()))
                        .episode(Some("1".into()))
                        .season(Some("2".into()))
                        .episode_type(Some("full".into()))
                        .build(),
                ))
                .extensions(ext.clone())
                .build()
        };
        ChannelBuilder::default()
            .namespaces(namespaces)
            .title("T <&>")
            .link("https://e.org/")
            .description("D")
            .language(Some("en".into()))
            .copyright(Some("© me".into()))
            .generator(Some("podsmith".into()))
            .pub_date(Some("Tue, 10 Feb 2026 08:00:00 +0000".into()))
            .last_build_date(Some("Tue, 10 Feb 2026 08:00:00 +0000".into()))
            .ttl(Some("60".into()))
            .image(Some(
                ImageBuilder::default()
                    .url("https://e.org/c.png")
                    .title("T")
                    .link("https://e.org/")
                    .build(),
            ))
            .atom_ext(Some(AtomExtension {
                links: vec![Link {
                    href: "https://e.org/feed.xml".into(),
                    rel: "self".into(),
                    mime_type: Some("application/rss+xml".into()),
                    ..Link::default()
                }],
            }))
            .itunes_ext(Some(
                ITunesChannelExtensionBuilder::default()
                    .author(Some("Host".into()))
                    .block(Some("Yes".into()))
                    .categories(vec![ITunesCategory {
                        text: "Arts".into(),
                        subcategory: Some(Box::new(ITunesCategory {
                            text: "Books".into(),
                            subcategory: None,
                        })),
                    }])
                    .image(Some("https://e.org/c.png".into()))
                    .explicit(Some("false".into()))
                    .complete(Some("Yes".into()))
                    .owner(Some(ITunesOwner {
                        name: Some("N".into()),
                        email: Some("n@e.org".into()),
                    }))
                    .r#type(Some("episodic".into()))
                    .build(),
            ))
            .extensions(ext.clone())
            .items(vec![item("1"), item("2")])
            .build()
    }

    #[test]
    fn pieces_match_the_crates_own_writer_byte_for_byte() {
        let full = sample();
        let expected = String::from_utf8(full.write_to(Vec::new()).unwrap()).unwrap();
        let mut bare = full.clone();
        bare.items.clear();
        let mut ours = head(&bare).unwrap();
        for i in &full.items {
            ours.extend(item(i).unwrap());
        }
        ours.extend(tail().unwrap());
        assert_eq!(String::from_utf8(ours).unwrap(), expected);
    }

    #[test]
    fn unsupported_fields_are_refused() {
        let mut c = sample();
        c.items.clear();
        c.ttl = None;
        c.rating = Some("x".into());
        assert!(head(&c).is_err());
        let mut i = sample().items[0].clone();
        i.categories.push(rss::Category::default());
        assert!(item(&i).is_err());
    }
}
