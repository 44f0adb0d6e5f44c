//! `credence-admin`: what the operator of a deployment does outside the app. Today one
//! thing, creating a tenant (its registry entry, default documents and first admin, who is
//! invited through the same user directory as the API's: Cognito in AWS, the local one
//! beside the local issuer). It reads the API's own settings from the environment, so it
//! talks to the table and directory the API uses; `cargo xtask tenant create` sets them for
//! the local app.

use crate::{
    error::ApiError,
    seed,
    service::tenants::{self, NewTenant, TenantCreated},
    settings::Settings,
    state::AppState,
};
use anyhow::{Result, bail};

pub const USAGE: &str = "\
usage:
  credence-admin tenant create --id ID --name NAME --admin USERNAME [--email EMAIL] [--display-name NAME]
  credence-admin tenant list

The environment is the API's (CREDENCE_TABLE, AWS_REGION, JWT_ISSUER, JWT_AUDIENCE and
JWKS_URL for Cognito, or LOCAL_ISSUER_KEY for the local issuer).";

/// What the command was asked to do.
#[derive(Debug, Clone)]
pub enum Command {
    CreateTenant(NewTenant),
    ListTenants,
}

pub fn parse_args(args: &[String]) -> Result<Command> {
    match (
        args.first().map(String::as_str),
        args.get(1).map(String::as_str),
    ) {
        (Some("tenant"), Some("list")) if args.len() == 2 => return Ok(Command::ListTenants),
        (Some("tenant"), Some("create")) => {}
        _ => bail!("{USAGE}"),
    }
    let mut new = NewTenant {
        id: String::new(),
        name: String::new(),
        admin_username: String::new(),
        admin_email: None,
        admin_display_name: String::new(),
    };
    let mut it = args[2..].iter();
    while let Some(flag) = it.next() {
        let Some(value) = it.next().cloned() else {
            bail!("{flag} needs a value\n{USAGE}");
        };
        match flag.as_str() {
            "--id" => new.id = value,
            "--name" => new.name = value,
            "--admin" => new.admin_username = value,
            "--email" => new.admin_email = Some(value),
            "--display-name" => new.admin_display_name = value,
            other => bail!("unknown option {other}\n{USAGE}"),
        }
    }
    for (value, flag) in [
        (&new.id, "--id"),
        (&new.name, "--name"),
        (&new.admin_username, "--admin"),
    ] {
        if value.trim().is_empty() {
            bail!("{flag} is required\n{USAGE}");
        }
    }
    Ok(Command::CreateTenant(new))
}

/// What to print about a created tenant.
pub fn describe(created: &TenantCreated, directory: &str) -> String {
    let mut out = format!(
        "tenant {}: {}\n",
        created.tenant,
        if created.registered {
            "registered"
        } else {
            "was already registered"
        }
    );
    if created.documents.is_empty() {
        out.push_str("documents: all there already\n");
    } else {
        out.push_str(&format!(
            "documents saved: {}\n",
            created.documents.join(", ")
        ));
    }
    out.push_str(&format!(
        "first admin: {} (id {})\n",
        created.admin.username,
        created.admin.id.as_deref().unwrap_or("not linked yet")
    ));
    match (&created.admin.invitation, directory) {
        (Some(password), _) => out.push_str(&format!(
            "temporary password (shown once; sign in at the app with it): {password}\n"
        )),
        (None, "cognito") => out.push_str(&format!(
            "Cognito emailed an invitation with a temporary password to {}\n",
            created.admin.email.as_deref().unwrap_or("their address")
        )),
        (None, _) => out.push_str("the admin already had an account; nothing was sent\n"),
    }
    out
}

/// Runs `command` against the deployment `settings` name; the text to print, or the exit
/// status (2: the input was refused, the message names the field; 1: anything else) and
/// the message.
pub async fn execute(command: Command, settings: &Settings) -> Result<String, (i32, String)> {
    let failed = |e: anyhow::Error| (1, format!("{e:#}"));
    let state = AppState::from_settings(settings, seed::demo_users(), seed::demo_machine_clients())
        .await
        .map_err(failed)?;
    match command {
        Command::ListTenants => {
            let tenants = state
                .store
                .registered_tenants()
                .await
                .map_err(|e| failed(e.into()))?;
            Ok(tenants
                .iter()
                .map(|t| format!("{}\t{}\t{}\n", t.tenant, t.name, t.created_at))
                .collect())
        }
        Command::CreateTenant(new) => {
            let created = tenants::create_tenant(
                &state.ctx(),
                state.directory.as_ref(),
                Some(state.verifier.as_ref()),
                new,
            )
            .await
            .map_err(|e| match e {
                ApiError::Validation(errors) => (
                    2,
                    errors
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                other => (1, other.to_string()),
            })?;
            Ok(describe(&created, state.directory.kind()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn create_needs_an_id_a_name_and_an_admin_and_knows_no_other_option() {
        // Arrange / Act
        let ok = parse_args(&args(
            "tenant create --id acme --name Acme --admin li.wei --email l@x.cn",
        ));
        let no_admin = parse_args(&args("tenant create --id acme --name Acme"));
        let unknown = parse_args(&args("tenant create --id acme --colour red"));
        let dangling = parse_args(&args("tenant create --id"));

        // Assert
        match ok.unwrap() {
            Command::CreateTenant(new) => {
                assert_eq!(new.id, "acme");
                assert_eq!(new.admin_email.as_deref(), Some("l@x.cn"));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            no_admin
                .unwrap_err()
                .to_string()
                .contains("--admin is required")
        );
        assert!(
            unknown
                .unwrap_err()
                .to_string()
                .contains("unknown option --colour")
        );
        assert!(
            dangling
                .unwrap_err()
                .to_string()
                .contains("--id needs a value")
        );
        assert!(matches!(
            parse_args(&args("tenant list")),
            Ok(Command::ListTenants)
        ));
    }
}
