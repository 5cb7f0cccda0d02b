//! Where a deploy puts the files: a folder (`file://`), an S3 or
//! S3-compatible bucket (`s3://`), or a web server reached over ssh
//! (`ssh://`, with the system's `rsync`). Each target does the same four
//! things; [`super::run`] decides what and in which order.

mod file;
mod s3;
mod ssh;

use super::plan::LocalFile;
use crate::error::Result;
use indicatif::ProgressBar;
use std::path::{Path, PathBuf};

/// What a deploy target can do.
pub trait Target {
    /// The target as people read it (e.g. `s3://bucket/show/`).
    fn describe(&self) -> String;
    /// The manifest's bytes, `None` when the target has none (a first deploy).
    fn read_manifest(&mut self) -> Result<Option<Vec<u8>>>;
    /// Puts the manifest in place (replacing the old one whole).
    fn write_manifest(&mut self, bytes: &[u8]) -> Result<()>;
    /// Uploads `files` from the output folder `out`, each with its type
    /// and caching, advancing `progress` by each file's size.
    fn upload(&mut self, out: &Path, files: &[&LocalFile], progress: &ProgressBar) -> Result<()>;
    /// Deletes files podsmith put there (a file already gone is fine).
    fn delete(&mut self, rels: &[String]) -> Result<()>;
}

/// A parsed `[deploy] target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetUrl {
    /// `file:///srv/www/show/`: a folder on this machine.
    File(PathBuf),
    /// `s3://BUCKET/optional/prefix/`.
    S3 { bucket: String, prefix: String },
    /// `ssh://user@host:22/var/www/show/`.
    Ssh {
        user: Option<String>,
        host: String,
        port: Option<u16>,
        path: String,
    },
}

impl TargetUrl {
    /// Parses a target address; `Err` says what is wrong with it.
    pub fn parse(text: &str) -> std::result::Result<TargetUrl, String> {
        let url = reqwest::Url::parse(text).map_err(|e| format!("is not an address ({e})"))?;
        let decoded = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let path = decoded(url.path());
        if path.split('/').any(|seg| seg == "..") {
            return Err("has `..` in its path".into());
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err("has a query or fragment (`?`, `#`)".into());
        }
        match url.scheme() {
            "file" => {
                if url
                    .host_str()
                    .is_some_and(|h| !h.is_empty() && h != "localhost")
                {
                    return Err("names another host; file:// targets are folders on this machine (file:///srv/www/show/)".into());
                }
                if path.trim_matches('/').is_empty() {
                    return Err("names the root folder `/`; name the site's folder".into());
                }
                Ok(TargetUrl::File(PathBuf::from(path)))
            }
            "s3" => {
                let bucket = url.host_str().unwrap_or("").to_string();
                if bucket.is_empty() {
                    return Err("names no bucket (s3://BUCKET/prefix/)".into());
                }
                let prefix = path.trim_matches('/').to_string();
                Ok(TargetUrl::S3 { bucket, prefix })
            }
            "ssh" => {
                let host = url.host_str().unwrap_or("").to_string();
                if host.is_empty() {
                    return Err("names no host (ssh://user@host/var/www/show/)".into());
                }
                if url.password().is_some() {
                    return Err("has a password; ssh uses your agent and keys, never a password in podcast.toml".into());
                }
                if path.trim_matches('/').is_empty() {
                    return Err("names the root folder `/`; name the site's folder".into());
                }
                Ok(TargetUrl::Ssh {
                    user: Some(decoded(url.username())).filter(|u| !u.is_empty()),
                    host,
                    port: url.port(),
                    path: format!("{}/", path.trim_end_matches('/')),
                })
            }
            other => Err(format!(
                "has the scheme `{other}:`; podsmith deploys to file://, s3:// and ssh:// targets"
            )),
        }
    }
}

/// Opens the target `[deploy]` names.
pub fn open(url: &TargetUrl, config: &super::DeployConfig) -> Result<Box<dyn Target>> {
    Ok(match url {
        TargetUrl::File(path) => Box::new(file::FileTarget::new(path.clone())),
        TargetUrl::S3 { bucket, prefix } => Box::new(s3::S3Target::new(bucket, prefix, config)?),
        TargetUrl::Ssh {
            user,
            host,
            port,
            path,
        } => Box::new(ssh::SshTarget::new(
            user.clone(),
            host.clone(),
            *port,
            path.clone(),
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse() {
        assert_eq!(
            TargetUrl::parse("s3://bucket/show/x/"),
            Ok(TargetUrl::S3 {
                bucket: "bucket".into(),
                prefix: "show/x".into()
            })
        );
        assert_eq!(
            TargetUrl::parse("file:///srv/www/show/"),
            Ok(TargetUrl::File("/srv/www/show/".into()))
        );
        assert_eq!(
            TargetUrl::parse("ssh://me@example.org:2222/var/www/show"),
            Ok(TargetUrl::Ssh {
                user: Some("me".into()),
                host: "example.org".into(),
                port: Some(2222),
                path: "/var/www/show/".into()
            })
        );
        assert!(TargetUrl::parse("ftp://x/").is_err());
        assert!(TargetUrl::parse("file:///").is_err());
        assert!(TargetUrl::parse("ssh://me:secret@host/x/").is_err());
        assert!(TargetUrl::parse("s3:///x/").is_err());
    }
}
