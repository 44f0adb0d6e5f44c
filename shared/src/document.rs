//! Tenant documents: the approval matrix, the custom application fields, the warning rules,
//! the dunning ladder and the webhook endpoints. Each is one versioned JSON document per
//! tenant that an admin replaces as a whole, saying why; until one is saved the tenant uses
//! the shipped default (version 0). The server stores and audits them, the browser edits
//! them, and both check them with the same [`TenantDocument::validate`]. A document that
//! holds secrets shows them only as fingerprints ([`TenantDocument::redacted`]) in the
//! audit trail and on every read.

use crate::dto::FieldError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Which tenant document a type is: the server keys its storage and audit trail by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    ApprovalMatrix,
    CustomFields,
    WarningRules,
    DunningLadder,
    Webhooks,
    DataFeeds,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::ApprovalMatrix,
        DocumentKind::CustomFields,
        DocumentKind::WarningRules,
        DocumentKind::DunningLadder,
        DocumentKind::Webhooks,
        DocumentKind::DataFeeds,
    ];

    /// The document as messages name it ("the approval matrix changed …").
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::ApprovalMatrix => "approval matrix",
            DocumentKind::CustomFields => "custom fields",
            DocumentKind::WarningRules => "warning rules",
            DocumentKind::DunningLadder => "dunning ladder",
            DocumentKind::Webhooks => "webhooks",
            DocumentKind::DataFeeds => "data feeds",
        }
    }
}

/// A versioned tenant document. Its stored version travels inside it (`version`, set by the
/// server, ignored on input; 0 for the shipped default).
pub trait TenantDocument: Serialize + DeserializeOwned + Clone {
    const KIND: DocumentKind;

    /// What a tenant that never saved one uses (version 0).
    fn shipped() -> Self;

    /// The stored version (0: the shipped default).
    fn version(&self) -> u32;

    fn set_version(&mut self, version: u32);

    /// The checks both sides run; each message names the field under the document
    /// (`rules[2].steps`).
    fn validate(&self) -> Result<(), Vec<FieldError>>;

    /// This document with every secret it holds replaced by its
    /// [`fingerprint`](crate::secret::fingerprint): what the audit trail records and what a
    /// read answers, so a secret is seen only by the admin who types it. A document with
    /// secrets overrides this; the default (no secrets) is the document unchanged.
    fn redacted(self) -> Self {
        self
    }

    /// A submitted document with each secret that is a fingerprint replaced by the secret
    /// `stored` holds under it ([`crate::secret::restore`]), so saving what a read showed
    /// keeps the secrets. A fingerprint that names no stored secret is an error on its
    /// field. The default (no secrets) is the document unchanged.
    fn with_secrets_of(self, stored: &Self) -> Result<Self, Vec<FieldError>> {
        let _ = stored;
        Ok(self)
    }

    /// The checks that depend on the deployment rather than the document: where data may
    /// be sent (`loopback`: whether this deployment allows this machine as a webhook target,
    /// local development only). The default (a document that sends nothing) passes.
    fn check_deployment(&self, loopback: bool) -> Result<(), Vec<FieldError>> {
        let _ = loopback;
        Ok(())
    }

    /// This document as stored at `version`.
    fn at_version(mut self, version: u32) -> Self {
        self.set_version(version);
        self
    }
}
