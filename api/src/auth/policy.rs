//! Who may do what: the one authorisation policy. Services ask [`require`] before acting;
//! the endpoint × role test in `tests/api/authorisation.rs` checks every route against it.
//!
//! Tenant isolation is not here: it is structural (every key starts with the caller's
//! tenant), so another tenant's ids are simply not found.

use super::Principal;
use crate::error::ApiError;
use credence_shared::Role;

/// Something a caller may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Search customers and read their credit summary and credit card.
    ReadCustomers,
    /// Run the order credit check.
    CheckOrder,
    /// See invoice-level detail (ledger lines, invoice numbers).
    SeeInvoiceDetail,
    /// Work the blocked-orders queue.
    ReadBlockedOrders,
    /// The credit review queue.
    ReadReviews,
    /// Post ledger events (the ERP integration user has the finance role).
    PostLedgerEvents,
    /// Maintain exchange rates.
    ManageFxRates,
    /// Set a limit, temporary limit, terms or hold on a credit file.
    DecideCredit,
    /// Create groups and set their shared limit.
    ManageGroups,
    /// File a credit request (limit, terms, hold release, blocked order, blacklist) for a
    /// customer the caller may see.
    FileRequest,
    /// Review requests (which step is whose is the approval matrix's business).
    ReviewRequests,
    /// Onboard a new customer with a credit application.
    SubmitApplication,
    /// Create and edit customers' master records (`PUT /v1/customers/{number}`), reassign
    /// owners, archive.
    ManageCustomers,
    /// Read the blacklist and the tenant's audit trail.
    ReadBlacklist,
    ReadTenantAudit,
    /// Put a party on the blacklist at once (it only protects).
    AddToBlacklist,
    /// Take a party off the blacklist directly: only what the approval matrix gives the
    /// caller alone, or an admin's audited override (otherwise a request).
    RemoveFromBlacklist,
    /// Users and roles, custom fields, approval matrix, engine versions.
    ManageConfiguration,
    /// Read alerts (a sales rep: those of their own customers).
    ReadAlerts,
    /// Acknowledge or resolve an alert.
    HandleAlerts,
    /// Promises to pay, notes, collection tasks.
    WorkCollections,
    /// Record a negative external signal (lawsuit, enforcement list, news).
    RecordSignals,
    /// Record a customer's financial statements.
    RecordFinancials,
    /// The portfolio dashboard and the tenant-wide aging.
    ReadKpis,
    /// Run the daily pass by hand (it also runs on its schedule).
    RunDailyPass,
    /// Build development samples and fit scorecards in the scoring lab (publishing a fitted
    /// model is `ManageConfiguration`).
    UseScoringLab,
    /// Send a statement or reminder letter to a customer by hand.
    SendLetters,
    /// Close a dispute with its outcome (the case's owner, reason and note are
    /// `WorkCollections`).
    SettleDisputes,
}

/// What a machine client (an ERP, a nightly job) may be granted: OAuth 2.0 scopes of the
/// client-credentials grant, the same names as the Cognito resource server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Look customers up and ask the order credit check.
    CreditCheck,
    /// Post ledger events and exchange rates.
    LedgerWrite,
    /// Create and edit customers' master records.
    CustomersWrite,
    /// Send files through the import API (each kind still needs its own scope's actions).
    ImportsWrite,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::CreditCheck,
        Scope::LedgerWrite,
        Scope::CustomersWrite,
        Scope::ImportsWrite,
    ];

    /// The scope as tokens carry it (`credence/…`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::CreditCheck => "credence/credit.check",
            Scope::LedgerWrite => "credence/ledger.write",
            Scope::CustomersWrite => "credence/customers.write",
            Scope::ImportsWrite => "credence/imports.write",
        }
    }

    /// The scopes of a space-separated `scope` claim; others (`openid`, …) are ignored.
    pub fn parse_all(claim: &str) -> Vec<Scope> {
        let mut scopes: Vec<Scope> = claim
            .split_ascii_whitespace()
            .filter_map(|s| Scope::ALL.into_iter().find(|k| k.as_str() == s))
            .collect();
        scopes.sort();
        scopes.dedup();
        scopes
    }
}

/// The scopes that let a machine client perform `action` (none: people only).
pub fn scopes_for(action: Action) -> &'static [Scope] {
    use Scope::*;
    match action {
        Action::ReadCustomers => &[CreditCheck, CustomersWrite, LedgerWrite],
        Action::CheckOrder => &[CreditCheck],
        Action::PostLedgerEvents | Action::ManageFxRates => &[LedgerWrite],
        Action::ManageCustomers => &[CustomersWrite],
        _ => &[],
    }
}

/// The roles that may perform `action`.
pub fn roles_for(action: Action) -> &'static [Role] {
    use Role::*;
    match action {
        Action::ReadCustomers | Action::CheckOrder => {
            &[Sales, Risk, Finance, Approver, Admin, Collector]
        }
        Action::SeeInvoiceDetail => &[Risk, Finance, Approver, Admin, Collector],
        Action::ReadBlockedOrders => &[Risk, Finance, Approver, Admin],
        Action::ReadReviews => &[Risk, Finance, Approver, Admin],
        Action::PostLedgerEvents | Action::ManageFxRates => &[Finance, Admin],
        Action::DecideCredit | Action::ManageGroups => &[Risk, Approver, Admin],
        Action::FileRequest => &[Sales, Risk, Finance, Approver, Admin, Collector],
        Action::ReviewRequests => &[Risk, Finance, Approver, Admin],
        Action::SubmitApplication => &[Sales, Risk, Admin],
        Action::ManageCustomers => &[Risk, Admin],
        Action::ReadBlacklist | Action::ReadTenantAudit | Action::RemoveFromBlacklist => {
            &[Risk, Finance, Approver, Admin]
        }
        Action::AddToBlacklist => &[Risk, Admin],
        Action::ManageConfiguration => &[Admin],
        Action::ReadAlerts | Action::HandleAlerts | Action::WorkCollections => {
            &[Sales, Risk, Finance, Approver, Admin, Collector]
        }
        Action::RecordSignals | Action::RecordFinancials => &[Risk, Admin],
        Action::ReadKpis => &[Risk, Finance, Approver, Admin, Collector],
        Action::RunDailyPass => &[Admin],
        Action::UseScoringLab => &[Risk, Admin],
        Action::SendLetters | Action::SettleDisputes => {
            &[Risk, Finance, Approver, Admin, Collector]
        }
    }
}

/// Whether `who` may see a customer owned by `owner`: a sales rep sees only their own
/// customers; every other role sees all customers of its tenant.
pub fn may_see_customer(who: &Principal, owner: Option<&credence_shared::UserId>) -> bool {
    // A machine client works for the whole tenant.
    let only_sales = who.scopes.is_empty() && who.roles.iter().all(|r| *r == Role::Sales);
    !only_sales || owner.is_some_and(|o| owns(who, o))
}

/// Whether `owner` (a customer's rep, as the ERP's file or the app set it) names `who`: by
/// their Credence username (what files carry) or their id in the user directory (in AWS a
/// Cognito `sub`, which no ERP knows).
pub fn owns(who: &Principal, owner: &credence_shared::UserId) -> bool {
    *owner == who.user_id || owner.as_str() == who.username
}

/// `Forbidden` unless `who` may see a customer owned by `owner`.
pub fn require_customer(
    who: &Principal,
    owner: Option<&credence_shared::UserId>,
) -> Result<(), ApiError> {
    if may_see_customer(who, owner) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Whether `who` may perform `action`: a person by a role, a machine client by a scope.
pub fn allows(who: &Principal, action: Action) -> bool {
    roles_for(action).iter().any(|r| who.has(*r))
        || scopes_for(action).iter().any(|s| who.scopes.contains(s))
}

/// `Forbidden` unless the caller may send a file that makes the change `action` through the
/// import API: a person by that right alone, a machine client also by `imports.write`.
pub fn require_import(who: &Principal, action: Action) -> Result<(), ApiError> {
    require(who, action)?;
    if who.scopes.is_empty() || who.scopes.contains(&Scope::ImportsWrite) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// `Forbidden` unless the caller may perform `action`.
pub fn require(who: &Principal, action: Action) -> Result<(), ApiError> {
    if allows(who, action) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::{TenantId, UserId};

    fn with(role: Role) -> Principal {
        Principal {
            user_id: UserId::parse("u").unwrap(),
            username: "u".into(),
            tenant: TenantId::parse("t").unwrap(),
            roles: vec![role],
            scopes: Vec::new(),
            withheld: Vec::new(),
        }
    }

    fn machine(scopes: &[Scope]) -> Principal {
        Principal {
            user_id: UserId::parse("erp-client").unwrap(),
            username: "erp-client".into(),
            tenant: TenantId::parse("t").unwrap(),
            roles: Vec::new(),
            scopes: scopes.to_vec(),
            withheld: Vec::new(),
        }
    }

    #[test]
    fn a_rep_sees_the_customers_owned_by_their_username_or_their_directory_id_and_no_others() {
        // Arrange: in AWS the id is Cognito's `sub`, the username the registry's handle.
        let rep = Principal {
            user_id: UserId::parse("3f1c2a9e-0b7d-4c1e-9f00-1234567890ab").unwrap(),
            username: "zhang_min".into(),
            ..with(Role::Sales)
        };
        let by_name = UserId::parse("zhang_min").unwrap();
        let by_id = UserId::parse("3f1c2a9e-0b7d-4c1e-9f00-1234567890ab").unwrap();
        let other = UserId::parse("li_wei").unwrap();

        // Act / Assert
        assert!(may_see_customer(&rep, Some(&by_name)));
        assert!(may_see_customer(&rep, Some(&by_id)));
        assert!(!may_see_customer(&rep, Some(&other)));
        assert!(!may_see_customer(&rep, None));
    }

    #[test]
    fn a_machine_with_ledger_write_posts_events_but_decides_nothing() {
        // Arrange
        let erp = machine(&[Scope::LedgerWrite]);

        // Act / Assert
        assert!(allows(&erp, Action::PostLedgerEvents));
        assert!(!allows(&erp, Action::DecideCredit));
        assert!(!allows(&erp, Action::CheckOrder));
        assert!(!allows(&erp, Action::ManageConfiguration));
        assert!(
            may_see_customer(&erp, None),
            "a machine works for the tenant"
        );
    }

    #[test]
    fn a_machine_sends_files_only_with_imports_write_and_the_scope_of_the_change() {
        // Arrange
        let posts_only = machine(&[Scope::LedgerWrite]);
        let sends_files = machine(&[Scope::LedgerWrite, Scope::ImportsWrite]);
        let files_only = machine(&[Scope::ImportsWrite]);

        // Act / Assert
        assert!(require_import(&posts_only, Action::PostLedgerEvents).is_err());
        assert!(require_import(&sends_files, Action::PostLedgerEvents).is_ok());
        assert!(require_import(&sends_files, Action::ManageCustomers).is_err());
        assert!(require_import(&files_only, Action::PostLedgerEvents).is_err());
        assert!(require_import(&with(Role::Finance), Action::PostLedgerEvents).is_ok());
    }

    #[test]
    fn only_credence_scopes_are_read_from_the_claim() {
        assert_eq!(
            Scope::parse_all(
                "openid credence/credit.check  credence/ledger.write x/y credence/credit.check"
            ),
            vec![Scope::CreditCheck, Scope::LedgerWrite]
        );
        assert!(Scope::parse_all("").is_empty());
    }

    #[test]
    fn a_sales_rep_may_look_up_and_check_but_not_see_invoices_or_decide() {
        let sales = with(Role::Sales);

        assert!(allows(&sales, Action::ReadCustomers));
        assert!(allows(&sales, Action::CheckOrder));
        assert!(!allows(&sales, Action::SeeInvoiceDetail));
        assert!(!allows(&sales, Action::DecideCredit));
        assert!(!allows(&sales, Action::PostLedgerEvents));
    }

    #[test]
    fn a_sales_rep_sees_only_their_own_customers_and_risk_sees_all() {
        let sales = with(Role::Sales);
        let mine = UserId::parse("u").unwrap();
        let theirs = UserId::parse("someone-else").unwrap();

        assert!(may_see_customer(&sales, Some(&mine)));
        assert!(!may_see_customer(&sales, Some(&theirs)));
        assert!(!may_see_customer(&sales, None));
        assert!(may_see_customer(&with(Role::Risk), Some(&theirs)));
    }

    #[test]
    fn only_admins_manage_configuration() {
        for role in Role::ALL {
            assert_eq!(
                allows(&with(role), Action::ManageConfiguration),
                role == Role::Admin
            );
        }
    }

    #[test]
    fn finance_posts_events_and_risk_decides_but_not_the_other_way_round() {
        assert!(allows(&with(Role::Finance), Action::PostLedgerEvents));
        assert!(!allows(&with(Role::Finance), Action::DecideCredit));
        assert!(allows(&with(Role::Risk), Action::DecideCredit));
        assert!(!allows(&with(Role::Risk), Action::PostLedgerEvents));
    }
}
