//! Small text-formatting helpers shared by the commands' messages (`cli`,
//! `serve`, `tag`), kept below them so none imports from `cli`.

/// `"s"` unless `n` is 1, for messages such as "3 episodes".
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
