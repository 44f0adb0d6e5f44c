//! Tenants without a redeploy: creating one registers it (the daily and delivery jobs walk
//! the registry, not a stack parameter), saves its default documents and invites its first
//! admin through the user directory. Run again after a failure, it finishes what is missing
//! and changes nothing that is there.

use super::{Ctx, people, tenant};
use crate::{
    auth::{Principal, Verifier},
    directory::Directory,
    error::ApiError,
};
use credence_shared::{
    Role, TenantId, UserId,
    document::TenantDocument,
    dto::FieldError,
    messages::code,
    watch::{DunningLadder, WarningRules},
    workflow::{ApprovalMatrix, UserRecord, UserUpdate, Versioned},
};

/// What `credence-admin tenant create` asks for.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub id: String,
    pub name: String,
    pub admin_username: String,
    pub admin_email: Option<String>,
    pub admin_display_name: String,
}

/// What was created (or found, on a second run).
#[derive(Debug, Clone)]
pub struct TenantCreated {
    pub tenant: TenantId,
    /// `false` when the tenant was already registered.
    pub registered: bool,
    /// The documents saved now (those already there are kept).
    pub documents: Vec<&'static str>,
    /// The first admin; `invitation` holds a local temporary password, once.
    pub admin: UserRecord,
}

/// The system acting for the operator who runs the command, as an admin of `tenant`.
fn operator(tenant: &TenantId) -> Principal {
    Principal {
        user_id: UserId::parse("system").expect("a valid user id"),
        username: "system".into(),
        tenant: tenant.clone(),
        roles: vec![Role::Admin],
        scopes: Vec::new(),
        withheld: Vec::new(),
    }
}

fn check(new: &NewTenant) -> Result<TenantId, ApiError> {
    let tenant = TenantId::parse(new.id.trim()).map_err(|e| {
        ApiError::from(
            FieldError::new("id", code::TEXT_PATTERN, format!("the tenant id {e}"))
                .with("min", 1)
                .with("max", 64)
                .with("allowed", "A-Z a-z 0-9 - _"),
        )
    })?;
    FieldError::required_text(
        "name",
        &new.name,
        100,
        "give the tenant a name of 1 to 100 characters",
    )?;
    Ok(tenant)
}

/// Saves the shipped `T` as the tenant's first version, unless it has one.
async fn first_document<T: TenantDocument>(
    ctx: &Ctx<'_>,
    who: &Principal,
    saved: &mut Vec<&'static str>,
) -> Result<(), ApiError> {
    if ctx.store.document::<T>(&who.tenant).await?.is_some() {
        return Ok(());
    }
    tenant::put_document(
        ctx,
        who,
        Versioned {
            replaces: 0,
            reason: "tenant created".into(),
            document: T::shipped(),
        },
    )
    .await?;
    saved.push(T::KIND.label());
    Ok(())
}

pub async fn create_tenant(
    ctx: &Ctx<'_>,
    directory: &dyn Directory,
    verifier: Option<&Verifier>,
    new: NewTenant,
) -> Result<TenantCreated, ApiError> {
    let tenant = check(&new)?;
    let registered = ctx
        .store
        .register_tenant(&tenant, new.name.trim(), ctx.clock.now())
        .await?;
    let who = operator(&tenant);
    let mut documents = Vec::new();
    first_document::<ApprovalMatrix>(ctx, &who, &mut documents).await?;
    first_document::<WarningRules>(ctx, &who, &mut documents).await?;
    first_document::<DunningLadder>(ctx, &who, &mut documents).await?;
    let username = new.admin_username.trim();
    let admin = match people::stored_user(ctx.store, &tenant, username).await? {
        Some(existing) => existing,
        None => {
            people::put_user(
                &people::People {
                    store: ctx.store,
                    clock: ctx.clock,
                    directory: Some(directory),
                    verifier,
                },
                &who,
                username,
                UserUpdate {
                    version: 0,
                    display_name: new.admin_display_name.clone(),
                    roles: vec![Role::Admin],
                    active: true,
                    email: new.admin_email.clone(),
                    reason: "first admin of a new tenant".into(),
                },
            )
            .await?
        }
    };
    Ok(TenantCreated {
        tenant,
        registered,
        documents,
        admin,
    })
}
