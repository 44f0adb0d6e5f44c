//! The directory in AWS: the stack's Cognito user pool. A person is a Cognito user (their
//! email is the sign-in name, `sub` their stable id, `custom:tenant` set once at creation),
//! invited by Cognito's own email with a temporary password; roles are the pool's groups
//! named as [`Role`]s. Every call is idempotent, so the service may retry after a failure.
//!
//! Not exercised by the test suite (there is no Cognito here): the local directory runs the
//! same service code, and `infra/README.md` lists what to check after a deploy.

use super::{
    Directory, DirectoryError, Invitation, MfaSetup, NewPerson, temporary_password, wrong_code,
};
use aws_sdk_cognitoidentityprovider::{
    Client,
    error::SdkError,
    types::{
        AttributeType, DeliveryMediumType, SoftwareTokenMfaSettingsType, UserType,
        VerifySoftwareTokenResponseType,
    },
};
use credence_shared::{Role, TenantId, messages::code};
use futures_util::future::BoxFuture;

pub struct CognitoDirectory {
    client: Client,
    pool: String,
}

impl CognitoDirectory {
    pub fn new(client: Client, pool: &str) -> Self {
        Self {
            client,
            pool: pool.to_owned(),
        }
    }

    /// The user pool of a Cognito issuer URL
    /// (`https://cognito-idp.{region}.amazonaws.com/{pool}`).
    pub fn pool_of_issuer(issuer: &str) -> Option<String> {
        let rest = issuer.strip_prefix("https://cognito-idp.")?;
        let (_, pool) = rest.split_once(".amazonaws.com/")?;
        let pool = pool.trim_end_matches('/');
        (!pool.is_empty() && !pool.contains('/')).then(|| pool.to_owned())
    }
}

fn unavailable<E: std::fmt::Debug>(e: E) -> DirectoryError {
    DirectoryError::Unavailable(format!("{e:?}"))
}

fn attribute(name: &str, value: &str) -> Result<AttributeType, DirectoryError> {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(unavailable)
}

fn sub_of(attributes: &[AttributeType]) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .map(str::to_owned)
}

impl CognitoDirectory {
    async fn by_email(
        &self,
        email: &str,
    ) -> Result<Option<(String, Option<String>)>, DirectoryError> {
        match self
            .client
            .admin_get_user()
            .user_pool_id(&self.pool)
            .username(email)
            .send()
            .await
        {
            Ok(out) => {
                let attributes = out.user_attributes();
                let tenant = attributes
                    .iter()
                    .find(|a| a.name() == "custom:tenant")
                    .and_then(|a| a.value())
                    .map(str::to_owned);
                Ok(sub_of(attributes).map(|sub| (sub, tenant)))
            }
            Err(SdkError::ServiceError(e)) if e.err().is_user_not_found_exception() => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }
}

impl Directory for CognitoDirectory {
    fn kind(&self) -> &'static str {
        "cognito"
    }

    fn find<'a>(
        &'a self,
        tenant: &'a TenantId,
        _username: &'a str,
        email: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<String>, DirectoryError>> {
        Box::pin(async move {
            let Some(email) = email else {
                return Ok(None);
            };
            Ok(self
                .by_email(email)
                .await?
                .filter(|(_, t)| t.as_deref().is_none_or(|t| t == tenant.as_str()))
                .map(|(sub, _)| sub))
        })
    }

    fn invite<'a>(
        &'a self,
        person: NewPerson<'a>,
    ) -> BoxFuture<'a, Result<Invitation, DirectoryError>> {
        Box::pin(async move {
            let email = person.email.ok_or_else(|| DirectoryError::Invalid {
                field: "email",
                code: code::REQUIRED,
                message: "Cognito invites people by email: give their address".into(),
            })?;
            let mut attributes = vec![
                attribute("email", email)?,
                attribute("email_verified", "true")?,
                attribute("custom:tenant", person.tenant.as_str())?,
            ];
            if !person.display_name.is_empty() {
                attributes.push(attribute("name", person.display_name)?);
            }
            let created = self
                .client
                .admin_create_user()
                .user_pool_id(&self.pool)
                .username(email)
                .set_user_attributes(Some(attributes))
                .desired_delivery_mediums(DeliveryMediumType::Email)
                // Cognito sends it by email; it is never shown here.
                .temporary_password(temporary_password())
                .send()
                .await;
            let sub = match created {
                Ok(out) => out.user().map(UserType::attributes).and_then(sub_of),
                Err(SdkError::ServiceError(e)) if e.err().is_username_exists_exception() => {
                    match self.by_email(email).await? {
                        Some((sub, t))
                            if t.as_deref().is_none_or(|t| t == person.tenant.as_str()) =>
                        {
                            Some(sub)
                        }
                        Some(_) => {
                            return Err(DirectoryError::Invalid {
                                field: "email",
                                code: code::USERNAME_TAKEN,
                                message: "this email signs in to another tenant".into(),
                            });
                        }
                        None => None,
                    }
                }
                Err(e) => return Err(unavailable(e)),
            };
            let subject = sub.ok_or_else(|| {
                DirectoryError::Unavailable("Cognito answered a user without a sub".into())
            })?;
            Ok(Invitation {
                subject,
                temporary_password: None,
            })
        })
    }

    fn set_roles<'a>(
        &'a self,
        subject: &'a str,
        roles: &'a [Role],
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            let groups = self
                .client
                .admin_list_groups_for_user()
                .user_pool_id(&self.pool)
                .username(subject)
                .limit(60)
                .send()
                .await
                .map_err(unavailable)?;
            let current: Vec<String> = groups
                .groups()
                .iter()
                .filter_map(|g| g.group_name().map(str::to_owned))
                .collect();
            for role in Role::ALL {
                let name = role.as_str();
                let has = current.iter().any(|g| g == name);
                let wants = roles.contains(&role);
                if wants && !has {
                    self.client
                        .admin_add_user_to_group()
                        .user_pool_id(&self.pool)
                        .username(subject)
                        .group_name(name)
                        .send()
                        .await
                        .map_err(unavailable)?;
                } else if has && !wants {
                    self.client
                        .admin_remove_user_from_group()
                        .user_pool_id(&self.pool)
                        .username(subject)
                        .group_name(name)
                        .send()
                        .await
                        .map_err(unavailable)?;
                }
            }
            Ok(())
        })
    }

    fn set_enabled<'a>(
        &'a self,
        subject: &'a str,
        enabled: bool,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            if enabled {
                self.client
                    .admin_enable_user()
                    .user_pool_id(&self.pool)
                    .username(subject)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(unavailable)
            } else {
                self.client
                    .admin_disable_user()
                    .user_pool_id(&self.pool)
                    .username(subject)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(unavailable)
            }
        })
    }

    fn sign_out_everywhere<'a>(
        &'a self,
        subject: &'a str,
        _username: &'a str,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            self.client
                .admin_user_global_sign_out()
                .user_pool_id(&self.pool)
                .username(subject)
                .send()
                .await
                .map(|_| ())
                .map_err(unavailable)
        })
    }

    /// `AssociateSoftwareToken` with the person's own access token (the app client grants
    /// `aws.cognito.signin.user.admin` for this): Cognito's secret for their app.
    fn begin_mfa<'a>(&'a self, who: MfaSetup<'a>) -> BoxFuture<'a, Result<String, DirectoryError>> {
        Box::pin(async move {
            let out = self
                .client
                .associate_software_token()
                .access_token(who.access_token)
                .send()
                .await
                .map_err(unavailable)?;
            out.secret_code
                .ok_or_else(|| DirectoryError::Unavailable("Cognito gave no secret".into()))
        })
    }

    /// `VerifySoftwareToken`, then `AdminSetUserMFAPreference` makes TOTP their preferred
    /// second step: Cognito's managed login asks for a code at every sign-in from then on.
    fn confirm_mfa<'a>(
        &'a self,
        who: MfaSetup<'a>,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            let verified = self
                .client
                .verify_software_token()
                .access_token(who.access_token)
                .user_code(code.trim())
                .friendly_device_name("Credence")
                .send()
                .await;
            match verified {
                Ok(out) if out.status == Some(VerifySoftwareTokenResponseType::Success) => {}
                Ok(_) => return Err(wrong_code()),
                Err(SdkError::ServiceError(e))
                    if e.err().is_code_mismatch_exception()
                        || e.err().is_enable_software_token_mfa_exception()
                        || e.err().is_invalid_parameter_exception() =>
                {
                    return Err(wrong_code());
                }
                Err(e) => return Err(unavailable(e)),
            }
            self.client
                .admin_set_user_mfa_preference()
                .user_pool_id(&self.pool)
                .username(who.subject)
                .software_token_mfa_settings(
                    SoftwareTokenMfaSettingsType::builder()
                        .enabled(true)
                        .preferred_mfa(true)
                        .build(),
                )
                .send()
                .await
                .map(|_| ())
                .map_err(unavailable)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_pool_is_read_from_a_cognito_issuer_and_nothing_else() {
        assert_eq!(
            CognitoDirectory::pool_of_issuer(
                "https://cognito-idp.ap-east-1.amazonaws.com/ap-east-1_AbC123"
            )
            .as_deref(),
            Some("ap-east-1_AbC123")
        );
        assert_eq!(
            CognitoDirectory::pool_of_issuer("http://127.0.0.1:8080"),
            None
        );
        assert_eq!(
            CognitoDirectory::pool_of_issuer("https://cognito-idp.x.amazonaws.com/"),
            None
        );
    }
}
