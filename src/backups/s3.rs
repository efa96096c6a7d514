//! Backups in S3-compatible object storage (`object_store`): each backup's files under
//! `PREFIX/backup-<moment>/`, its manifest uploaded last and the upload verified against it;
//! old uploads pruned; a backup downloaded and checked before a restore. Endpoint, region and
//! credentials come from the standard AWS environment variables (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_REGION` or `AWS_DEFAULT_REGION`, `AWS_ENDPOINT_URL`; an
//! `http://` endpoint only with `AWS_ALLOW_HTTP=true`). Only objects under a backup's name
//! beside a manifest are ever deleted.

use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{BackupError, LocalBackup, MANIFEST, Manifest, Result, moment_of};

/// Parts of this size are uploaded, at most this many at once.
const PART_BYTES: usize = 16 << 20;
const PARTS_AT_ONCE: usize = 4;

/// A bucket and prefix in S3-compatible object storage.
#[derive(Debug)]
pub struct Remote {
    store: Arc<AmazonS3>,
    url: String,
    prefix: Option<ObjectPath>,
    /// The backup a restore URL names after the prefix, if it names one.
    named: Option<String>,
}

impl Remote {
    /// `s3://bucket/prefix` (the prefix may be empty); a last segment that is a backup's name
    /// (`…/backup-20261207T180000Z`) names that backup, for a restore.
    pub fn from_url(url: &str) -> Result<Remote> {
        let bad = |message: &str| BackupError::Remote {
            url: url.to_string(),
            message: message.to_string(),
        };
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| bad("not an S3 URL; write s3://BUCKET/PREFIX"))?;
        let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(bad("names no bucket; write s3://BUCKET/PREFIX"));
        }
        let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let named = match segments.last() {
            Some(last) if moment_of(last).is_some() => segments.pop().map(str::to_string),
            _ => None,
        };
        let prefix = (!segments.is_empty()).then(|| ObjectPath::from(segments.join("/")));
        // object_store refuses an http:// endpoint with no more than "builder error": say why.
        let endpoint = std::env::var("AWS_ENDPOINT_URL")
            .or_else(|_| std::env::var("AWS_ENDPOINT"))
            .unwrap_or_default();
        let allowed = std::env::var("AWS_ALLOW_HTTP").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
        if endpoint.starts_with("http://") && !allowed {
            return Err(bad(&format!(
                "the endpoint {endpoint} (AWS_ENDPOINT_URL) is not encrypted; use https://, or \
                 set AWS_ALLOW_HTTP=true to allow it"
            )));
        }
        // reqwest is built without a TLS provider of its own: ring, as for SMTP. Installing it
        // a second time changes nothing, so the answer does not matter.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(|error| bad(&format!("the S3 settings are not usable: {error}")))?;
        Ok(Remote {
            store: Arc::new(store),
            url: url.trim_end_matches('/').to_string(),
            prefix,
            named,
        })
    }

    /// The URL as given, for log lines.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn error(&self, doing: &str, error: impl std::fmt::Display) -> BackupError {
        BackupError::Remote {
            url: self.url.clone(),
            message: format!("{doing}: {error}"),
        }
    }

    /// `PREFIX/name` or `PREFIX/name/file`.
    fn path(&self, parts: &[&str]) -> ObjectPath {
        let mut all: Vec<String> = self
            .prefix
            .iter()
            .flat_map(|p| p.parts().map(|part| part.as_ref().to_string()))
            .collect();
        all.extend(parts.iter().map(|p| p.to_string()));
        ObjectPath::from_iter(all)
    }

    /// Uploads a backup's files, then its manifest, and checks that every file is there with
    /// the manifest's size.
    pub async fn upload(&self, backup: &LocalBackup) -> Result<()> {
        for file in &backup.manifest.files {
            let location = self.path(&[&backup.name, &file.name]);
            self.upload_file(&backup.dir.join(&file.name), &location)
                .await?;
        }
        let manifest = self.path(&[&backup.name, MANIFEST]);
        self.store
            .put(&manifest, PutPayload::from(backup.manifest.to_json()))
            .await
            .map_err(|e| self.error(&format!("cannot upload {manifest}"), e))?;
        self.verify(&backup.name, &backup.manifest).await
    }

    async fn upload_file(&self, from: &Path, to: &ObjectPath) -> Result<()> {
        let mut file = tokio::fs::File::open(from).await.map_err(super::io(from))?;
        let upload = self
            .store
            .put_multipart(to)
            .await
            .map_err(|e| self.error(&format!("cannot start uploading {to}"), e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut buffer).await {
                Ok(n) => n,
                Err(error) => {
                    let _ = writer.abort().await;
                    return Err(super::io(from)(error));
                }
            };
            if n == 0 {
                break;
            }
            if let Err(error) = writer.wait_for_capacity(PARTS_AT_ONCE).await {
                return Err(self.error(&format!("cannot upload {to}"), error));
            }
            writer.write(&buffer[..n]);
        }
        writer
            .finish()
            .await
            .map_err(|e| self.error(&format!("cannot upload {to}"), e))?;
        Ok(())
    }

    /// Lists what was uploaded under `name` and compares each file's size with the manifest.
    async fn verify(&self, name: &str, manifest: &Manifest) -> Result<()> {
        let listed = self
            .store
            .list_with_delimiter(Some(&self.path(&[name])))
            .await
            .map_err(|e| self.error(&format!("cannot list {name} to verify it"), e))?;
        for file in &manifest.files {
            let location = self.path(&[name, &file.name]);
            match listed.objects.iter().find(|o| o.location == location) {
                Some(object) if object.size == file.bytes => {}
                Some(object) => {
                    return Err(self.error(
                        "the upload does not match the backup",
                        format!("{location} holds {} bytes, not {}", object.size, file.bytes),
                    ));
                }
                None => {
                    return Err(self.error(
                        "the upload does not match the backup",
                        format!("{location} is missing"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The uploaded backups (names with a manifest beside them), oldest first.
    pub async fn list(&self) -> Result<Vec<String>> {
        let prefix = self.prefix.clone();
        let mut objects = self.store.list(prefix.as_ref());
        let mut names = Vec::new();
        while let Some(object) = objects.next().await {
            let object = object.map_err(|e| self.error("cannot list the uploaded backups", e))?;
            let parts: Vec<String> = object
                .location
                .parts()
                .map(|p| p.as_ref().to_string())
                .collect();
            let depth = self.prefix.as_ref().map_or(0, |p| p.parts().count());
            if let [name, file] = &parts[depth..]
                && file == MANIFEST
                && moment_of(name).is_some()
            {
                names.push(name.clone());
            }
        }
        names.sort();
        Ok(names)
    }

    /// Removes all but the newest `keep` uploaded backups (each manifest first, so that a
    /// backup half removed is no longer taken for one); returns the names removed.
    pub async fn prune(&self, keep: usize) -> Result<Vec<String>> {
        let names = self.list().await?;
        let old = names.len().saturating_sub(keep);
        for name in &names[..old] {
            let manifest = self.path(&[name, MANIFEST]);
            self.store
                .delete(&manifest)
                .await
                .map_err(|e| self.error(&format!("cannot remove {manifest}"), e))?;
            let mut objects = self.store.list(Some(&self.path(&[name])));
            while let Some(object) = objects.next().await {
                let object = object.map_err(|e| self.error("cannot list an old backup", e))?;
                self.store
                    .delete(&object.location)
                    .await
                    .map_err(|e| self.error(&format!("cannot remove {}", object.location), e))?;
            }
        }
        Ok(names[..old].to_vec())
    }

    /// Downloads the backup the URL names (else the newest) into `into`, and checks every file
    /// against its manifest's SHA-256. Returns its name and manifest.
    pub async fn download(&self, into: &Path) -> Result<(String, Manifest)> {
        let name = match &self.named {
            Some(name) => name.clone(),
            None => self.list().await?.pop().ok_or_else(|| {
                self.error(
                    "cannot restore",
                    "there is no backup there (none with a manifest)",
                )
            })?,
        };
        let manifest_path = self.path(&[&name, MANIFEST]);
        let bytes = self
            .store
            .get(&manifest_path)
            .await
            .map_err(|e| self.error(&format!("cannot read {manifest_path}"), e))?
            .bytes()
            .await
            .map_err(|e| self.error(&format!("cannot read {manifest_path}"), e))?;
        let manifest = Manifest::from_json(&bytes, &format!("{}/{manifest_path}", self.url))?;
        for file in &manifest.files {
            let location = self.path(&[&name, &file.name]);
            let target = into.join(&file.name);
            let mut out = tokio::fs::File::create(&target)
                .await
                .map_err(super::io(&target))?;
            let mut stream = self
                .store
                .get(&location)
                .await
                .map_err(|e| self.error(&format!("cannot download {location}"), e))?
                .into_stream();
            while let Some(chunk) = stream.next().await {
                let chunk =
                    chunk.map_err(|e| self.error(&format!("cannot download {location}"), e))?;
                out.write_all(&chunk).await.map_err(super::io(&target))?;
            }
            out.flush().await.map_err(super::io(&target))?;
        }
        manifest.check(into)?;
        Ok((name, manifest))
    }
}
