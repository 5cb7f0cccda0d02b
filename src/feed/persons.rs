//! `podcast:person`: the Podcasting 2.0 person taxonomy, and how podsmith's
//! free-text credit roles ("Theme music", "Audio editing") map onto it.

/// The taxonomy's groups and roles (from the namespace's current
/// `taxonomy.json`, lowercased; tests/it/feed_bugs.rs compares every entry
/// with a copy in tests/fixtures/podcast-namespace/), in its order. A role listed in two
/// groups ("editor") maps to the first.
pub const TAXONOMY: &[(&str, &[&str])] = &[
    (
        "creative direction",
        &[
            "director",
            "assistant director",
            "executive producer",
            "senior producer",
            "producer",
            "associate producer",
            "development producer",
            "creative director",
        ],
    ),
    (
        "cast",
        &[
            "host",
            "co-host",
            "guest host",
            "guest",
            "voice actor",
            "narrator",
            "announcer",
            "reporter",
        ],
    ),
    (
        "writing",
        &[
            "author",
            "editorial director",
            "co-writer",
            "writer",
            "songwriter",
            "guest writer",
            "story editor",
            "managing editor",
            "script editor",
            "script coordinator",
            "researcher",
            "editor",
            "fact checker",
            "translator",
            "transcriber",
            "logger",
        ],
    ),
    (
        "audio production",
        &[
            "studio coordinator",
            "technical director",
            "technical manager",
            "audio engineer",
            "remote recording engineer",
            "post production engineer",
        ],
    ),
    (
        "audio post-production",
        &[
            "audio editor",
            "sound designer",
            "foley artist",
            "composer",
            "theme music",
            "music production",
            "music contributor",
        ],
    ),
    (
        "administration",
        &[
            "production coordinator",
            "booking coordinator",
            "production assistant",
            "content manager",
            "marketing manager",
            "sales representative",
            "sales manager",
        ],
    ),
    ("visuals", &["graphic designer", "cover art designer"]),
    ("community", &["social media manager"]),
    ("misc.", &["consultant", "intern"]),
    (
        "video production",
        &[
            "camera operator",
            "lighting designer",
            "camera grip",
            "assistant camera",
        ],
    ),
    ("video post-production", &["editor", "assistant editor"]),
];

/// Common credit wordings that are not taxonomy roles themselves.
const SYNONYMS: &[(&str, &str)] = &[
    ("cohost", "co-host"),
    ("co host", "co-host"),
    ("guest speaker", "guest"),
    ("interviewee", "guest"),
    ("narration", "narrator"),
    ("voice", "voice actor"),
    ("production", "producer"),
    ("produced by", "producer"),
    ("executive production", "executive producer"),
    ("direction", "director"),
    ("writing", "writer"),
    ("script", "writer"),
    ("research", "researcher"),
    ("editing", "editor"),
    ("fact checking", "fact checker"),
    ("fact-checking", "fact checker"),
    ("translation", "translator"),
    // The taxonomy's misspelling of 2020, as someone may have copied it.
    ("translater", "translator"),
    ("transcription", "transcriber"),
    ("transcript", "transcriber"),
    ("audio editing", "audio editor"),
    ("sound editing", "audio editor"),
    ("sound design", "sound designer"),
    ("theme", "theme music"),
    ("theme song", "theme music"),
    ("intro music", "theme music"),
    ("music", "music contributor"),
    ("music by", "music contributor"),
    ("additional music", "music contributor"),
    ("mixing", "audio engineer"),
    ("mastering", "audio engineer"),
    ("mixing and mastering", "audio engineer"),
    ("sound engineering", "audio engineer"),
    ("audio engineering", "audio engineer"),
    ("recording", "audio engineer"),
    ("cover art", "cover art designer"),
    ("cover", "cover art designer"),
    ("artwork", "cover art designer"),
    ("cover design", "cover art designer"),
    ("graphic design", "graphic designer"),
    ("graphics", "graphic designer"),
    ("logo", "graphic designer"),
    ("social media", "social media manager"),
    ("marketing", "marketing manager"),
    ("booking", "booking coordinator"),
];

/// A credit's role, mapped onto the taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonRole {
    pub role: &'static str,
    pub group: &'static str,
}

/// Maps a free-text credit role onto the taxonomy: an exact role name
/// (ignoring case, spaces and a trailing colon), else a known synonym.
/// `None` when nothing matches: such a credit gets no `podcast:person`,
/// because a person without `role` means "host" to apps.
pub fn map_role(role: &str) -> Option<PersonRole> {
    let key = role
        .trim()
        .trim_end_matches(':')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let key = SYNONYMS
        .iter()
        .find(|(from, _)| *from == key)
        .map_or(key.as_str(), |(_, to)| to);
    TAXONOMY.iter().find_map(|(group, roles)| {
        roles
            .iter()
            .find(|r| **r == key)
            .map(|r| PersonRole { role: r, group })
    })
}

/// The host: the show's `author`.
pub const HOST: PersonRole = PersonRole {
    role: "host",
    group: "cast",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_map_onto_the_taxonomy() {
        assert_eq!(
            map_role("Theme music"),
            Some(PersonRole {
                role: "theme music",
                group: "audio post-production"
            })
        );
        assert_eq!(map_role("Audio editing").unwrap().role, "audio editor");
        assert_eq!(map_role(" Cover Art Designer ").unwrap().group, "visuals");
        assert_eq!(map_role("Editor").unwrap().group, "writing");
        assert_eq!(map_role("Guest").unwrap().group, "cast");
        assert_eq!(map_role("Audio hosting"), None);
    }
}
