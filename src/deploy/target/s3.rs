//! `s3://` targets: an Amazon S3 bucket or an S3-compatible one (R2, B2,
//! Wasabi, MinIO, Garage...; `[deploy] endpoint`), through `object_store`.
//! Credentials come from the usual `AWS_*` environment variables, never
//! from podcast.toml. Every object gets its `Content-Type` and
//! `Cache-Control`; large files go up in parts.

use super::super::plan::{cache_control, content_type, LocalFile, MANIFEST_FILE};
use super::super::DeployConfig;
use super::Target;
use crate::error::{Diagnostic, Error, Result};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use indicatif::ProgressBar;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions,
    WriteMultipart,
};
use std::path::Path;

/// Files above this size go up in parts (of the same size).
const PART: usize = 16 << 20;
/// Uploads at the same time.
const PARALLEL: usize = 4;

/// A bucket target.
pub struct S3Target {
    store: AmazonS3,
    bucket: String,
    prefix: String,
    runtime: tokio::runtime::Runtime,
}

/// An object_store error as a diagnostic naming the target.
fn s3_error(what: &str, target: &str, e: object_store::Error) -> Error {
    Diagnostic::error(None, format!("{target}: could not {what}: {e}"))
        .help("check [deploy] target, endpoint and region, and the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment variables")
        .into()
}

impl S3Target {
    pub fn new(bucket: &str, prefix: &str, config: &DeployConfig) -> Result<S3Target> {
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
        if let Some(region) = &config.region {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint.trim_end_matches('/'))
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store = builder.build().map_err(|e| {
            Error::from(
                Diagnostic::error(None, format!("s3://{bucket}/: {e}")).help(
                    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and [deploy] region and endpoint)",
                ),
            )
        })?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::io(Path::new("."), "start the upload runtime in", e))?;
        Ok(S3Target {
            store,
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            runtime,
        })
    }

    fn key(&self, rel: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(rel)
        } else {
            ObjectPath::from(format!("{}/{rel}", self.prefix))
        }
    }
}

/// The attributes an object is stored with.
fn attributes(rel: &str) -> Attributes {
    let mut attributes = Attributes::new();
    attributes.insert(Attribute::ContentType, content_type(rel).into());
    attributes.insert(Attribute::CacheControl, cache_control(rel).into());
    attributes
}

/// Uploads one file: in one request, or in parts when it is large.
async fn put_file(
    store: &AmazonS3,
    key: ObjectPath,
    source: &Path,
    rel: &str,
    progress: &ProgressBar,
) -> std::result::Result<(), String> {
    let size = tokio::fs::metadata(source)
        .await
        .map_err(|e| format!("{}: {e}", source.display()))?
        .len();
    if size <= PART as u64 {
        let bytes = tokio::fs::read(source)
            .await
            .map_err(|e| format!("{}: {e}", source.display()))?;
        let options = PutOptions {
            attributes: attributes(rel),
            ..PutOptions::default()
        };
        store
            .put_opts(&key, bytes.into(), options)
            .await
            .map_err(|e| e.to_string())?;
        progress.inc(size);
        return Ok(());
    }
    use tokio::io::AsyncReadExt;
    let options = PutMultipartOptions {
        attributes: attributes(rel),
        ..PutMultipartOptions::default()
    };
    let upload = store
        .put_multipart_opts(&key, options)
        .await
        .map_err(|e| e.to_string())?;
    let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
    let mut file = tokio::fs::File::open(source)
        .await
        .map_err(|e| format!("{}: {e}", source.display()))?;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf).await {
            Ok(n) => n,
            Err(e) => {
                let _ = writer.abort().await;
                return Err(format!("{}: {e}", source.display()));
            }
        };
        if n == 0 {
            break;
        }
        if let Err(e) = writer.wait_for_capacity(2).await {
            return Err(e.to_string());
        }
        writer.write(&buf[..n]);
        progress.inc(n as u64);
    }
    writer.finish().await.map_err(|e| e.to_string())?;
    Ok(())
}

impl Target for S3Target {
    fn describe(&self) -> String {
        if self.prefix.is_empty() {
            format!("s3://{}/", self.bucket)
        } else {
            format!("s3://{}/{}/", self.bucket, self.prefix)
        }
    }

    fn read_manifest(&mut self) -> Result<Option<Vec<u8>>> {
        let key = self.key(MANIFEST_FILE);
        let target = self.describe();
        self.runtime.block_on(async {
            match self.store.get(&key).await {
                Ok(got) => got
                    .bytes()
                    .await
                    .map(|b| Some(b.to_vec()))
                    .map_err(|e| s3_error("read the deploy manifest", &target, e)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(s3_error("read the deploy manifest", &target, e)),
            }
        })
    }

    fn write_manifest(&mut self, bytes: &[u8]) -> Result<()> {
        let key = self.key(MANIFEST_FILE);
        let target = self.describe();
        let mut attrs = Attributes::new();
        attrs.insert(Attribute::ContentType, "application/json".into());
        attrs.insert(Attribute::CacheControl, "no-store".into());
        let options = PutOptions {
            attributes: attrs,
            ..PutOptions::default()
        };
        self.runtime
            .block_on(self.store.put_opts(&key, bytes.to_vec().into(), options))
            .map(drop)
            .map_err(|e| s3_error("write the deploy manifest", &target, e))
    }

    fn upload(&mut self, out: &Path, files: &[&LocalFile], progress: &ProgressBar) -> Result<()> {
        let target = self.describe();
        let jobs = files.iter().map(|f| {
            let key = self.key(&f.rel);
            let source = out.join(&f.rel);
            let store = &self.store;
            async move {
                put_file(store, key, &source, &f.rel, progress)
                    .await
                    .map_err(|e| (f.rel.clone(), e))
            }
        });
        self.runtime
            .block_on(
                stream::iter(jobs)
                    .buffer_unordered(PARALLEL)
                    .try_collect::<Vec<()>>(),
            )
            .map(drop)
            .map_err(|(rel, e)| {
                Diagnostic::error(None, format!("{target}: could not upload {rel}: {e}"))
                    .help("check the credentials and the endpoint; the next deploy uploads what is missing")
                    .into()
            })
    }

    fn delete(&mut self, rels: &[String]) -> Result<()> {
        let target = self.describe();
        for rel in rels {
            let key = self.key(rel);
            match self.runtime.block_on(self.store.delete(&key)) {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(s3_error(&format!("delete {rel}"), &target, e)),
            }
        }
        Ok(())
    }
}
