//! The watch configuration documents (warning rules, dunning ladder, webhook endpoints):
//! where each is kept, its shipped default and its check, and how an admin reads one.

use credence_shared::watch::{DunningLadder, WarningRules, WebhookConfig};

use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::config::{self, Configured, Document};
use crate::store::Store;

/// A watch configuration document: where it is kept, its shipped default, its check.
macro_rules! configured {
    ($ty:ty, $doc:expr, $shipped:expr) => {
        impl Configured for $ty {
            const DOC: Document = $doc;
            fn shipped() -> Self {
                $shipped
            }
            fn version_mut(&mut self) -> &mut u32 {
                &mut self.version
            }
            fn check(&self) -> Result<(), Vec<credence_shared::dto::FieldError>> {
                self.validate()
            }
        }
    };
}

configured!(
    WarningRules,
    Document::WARNING_RULES,
    WarningRules::default_rules()
);
configured!(
    DunningLadder,
    Document::DUNNING,
    DunningLadder::default_ladder()
);
configured!(WebhookConfig, Document::WEBHOOKS, WebhookConfig::default());

/// `GET` of a configuration document (admins): the tenant's version, or the shipped one.
pub async fn configuration<T: Configured>(store: &Store, who: &Principal) -> Result<T, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    config::document::<T>(store, &who.tenant).await
}
