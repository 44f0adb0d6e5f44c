//! `AppState`: everything a handler may need (store, token verifier, engines, clock),
//! and its construction from the process settings. The router lives in `router.rs`.

use crate::clock::Clock;
use crate::directory::{Directory, cognito::CognitoDirectory, local::LocalDirectory};
use crate::egress::Egress;
use crate::service::{Ctx, tenant::Engines};
use crate::{
    auth::{
        Verifier, local::LocalIssuer, local::LocalUser, verify::Registered, verify::TenantRegistry,
    },
    settings::{IssuerSettings, Settings},
    store::Store,
};
use axum::extract::FromRef;
use std::{path::PathBuf, sync::Arc};

/// Everything a handler may need. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub verifier: Arc<Verifier>,
    /// Present only when the local development issuer is configured.
    pub local_issuer: Option<Arc<LocalIssuer>>,
    /// Built frontend to serve for non-API paths (local dev server only).
    pub static_dir: Option<PathBuf>,
    /// The scorecard model and credit policy in force, per tenant (cached).
    pub engines: Engines,
    pub clock: Clock,
    /// Outbound HTTP to webhook targets, under the deployment's rule.
    pub egress: Egress,
    /// Where the admin page creates, disables and signs out people (Cognito, or local).
    pub directory: Arc<dyn Directory>,
}

impl AppState {
    /// What the services get: the store, the engines and the clock of this state.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            store: &self.store,
            engines: &self.engines,
            clock: &self.clock,
            egress: &self.egress,
        }
    }
}

impl AppState {
    /// Wires the state from configuration. `local_users` and `machine_clients` are the
    /// accounts the local issuer accepts (ignored when tokens come from a remote issuer).
    pub async fn from_settings(
        settings: &Settings,
        local_users: Vec<LocalUser>,
        machine_clients: Vec<crate::auth::oauth::MachineClient>,
    ) -> anyhow::Result<Self> {
        let client = Store::client(&settings.region, settings.dynamodb_endpoint.as_deref()).await;
        let store = Store::new(client, &settings.table);
        let registry: Arc<dyn TenantRegistry> = Arc::new(store.clone());
        let (verifier, local_issuer, directory): (_, _, Arc<dyn Directory>) = match &settings.issuer
        {
            IssuerSettings::Remote { jwks_url } => {
                let pool =
                    CognitoDirectory::pool_of_issuer(&settings.jwt_issuer).ok_or_else(|| {
                        anyhow::anyhow!(
                            "JWT_ISSUER {} is not a Cognito user pool's issuer URL",
                            settings.jwt_issuer
                        )
                    })?;
                let config = crate::aws::config(Some(&settings.region)).await;
                (
                    Verifier::remote(&settings.jwt_issuer, &settings.jwt_audience, jwks_url)
                        .await?
                        .with_registry(registry)
                        .with_mfa_roles(settings.mfa_roles.clone()),
                    None,
                    Arc::new(CognitoDirectory::new(
                        aws_sdk_cognitoidentityprovider::Client::new(&config),
                        &pool,
                    )),
                )
            }
            IssuerSettings::Local { key_path } => {
                let issuer = LocalIssuer::load_or_create(
                    key_path,
                    &settings.jwt_issuer,
                    &settings.jwt_audience,
                    local_users,
                )?
                .with_machine_clients(machine_clients);
                let issuer = Arc::new(issuer);
                (
                    Verifier::with_jwks(
                        &settings.jwt_issuer,
                        &settings.jwt_audience,
                        &issuer.jwks(),
                    )?
                    .with_registry(registry)
                    .with_mfa_roles(settings.mfa_roles.clone()),
                    Some(issuer.clone()),
                    Arc::new(LocalDirectory::new(store.clone(), issuer)),
                )
            }
        };
        Ok(Self {
            store,
            verifier: Arc::new(verifier),
            local_issuer,
            static_dir: settings.static_dir.clone(),
            engines: Engines::default(),
            clock: Clock::system(),
            egress: Egress::from_env()?,
            directory,
        })
    }
}

/// The registry in the table tells the verifier the tenant of tokens that carry none, and
/// whether a person may still act.
impl TenantRegistry for Store {
    fn registered<'a>(
        &'a self,
        subject: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Result<Option<Registered>, String>> {
        Box::pin(async move {
            let entry = self.subject(subject).await.map_err(|e| e.to_string())?;
            Ok(entry.map(|e| Registered {
                tenant: e.tenant,
                username: e.username,
                roles: e.roles,
                active: e.active,
                signed_out_at: e.signed_out_at,
                mfa: e.mfa,
            }))
        })
    }
}

/// The token verifier is all the `Principal` extractor needs from the state.
impl FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}
