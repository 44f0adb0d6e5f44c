//! The stable codes of field errors and problems, listed in one place.
//!
//! A [`FieldError`](crate::dto::FieldError) or a [`Problem`](crate::dto::Problem) carries one
//! of these codes (and, for field errors, named parameters such as `max`); the app words
//! them in the reader's language, API clients may switch on them. The English `message` /
//! `detail` stays for clients that do not. A code never changes its meaning once released;
//! a new meaning gets a new code, and every code needs a translation in both locales of the
//! app (`frontend/src/components/messages.rs` has the test).

macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $name:ident = $value:literal,)+) => {
        /// Every code, one constant each.
        pub mod code {
            $($(#[doc = $doc])+ pub const $name: &str = $value;)+
        }
        /// Every code in [`code`], for tests and translation tables.
        pub const ALL: &[&str] = &[$($value,)+];
    };
}

codes! {
    // ---- any field ----
    /// A value is required and was empty.
    REQUIRED = "field.required",
    /// A field the request should not have (a typo, or a custom field the tenant lacks).
    UNKNOWN_FIELD = "field.unknown",
    /// A value of the wrong type or shape in the JSON body (the message says which).
    INVALID_VALUE = "field.invalid",
    /// One of a fixed set of values was expected; `allowed` lists them.
    NOT_ALLOWED = "field.not_allowed",
    /// The body is not JSON at all (a 400 problem's field error).
    MALFORMED_JSON = "body.malformed",
    /// A query parameter is missing, unknown or of the wrong type.
    INVALID_QUERY = "query.invalid",
    /// A page cursor this API did not issue for this query.
    INVALID_CURSOR = "cursor.invalid",
    // ---- text ----
    /// Text longer than `max` characters.
    TEXT_TOO_LONG = "text.too_long",
    /// Text must be `min` to `max` characters long.
    TEXT_LENGTH = "text.length",
    /// Text of `min` to `max` characters from the set `allowed`.
    TEXT_PATTERN = "text.pattern",
    /// A name must have at least one letter or digit.
    TEXT_NO_LETTERS = "text.no_letters",
    /// A search must have a letter or digit.
    SEARCH_EMPTY = "search.empty",
    /// Not an email address.
    EMAIL_INVALID = "email.invalid",
    /// Not an http(s) URL of at most `max` characters.
    URL_INVALID = "url.invalid",
    /// Use https:// (plain http:// only to this machine in local development).
    URL_NOT_HTTPS = "url.not_https",
    /// Not a public address: loopback, private, link-local and metadata addresses are refused.
    URL_NOT_PUBLIC = "url.not_public",
    /// A note saying why (or what was done) is required for this action.
    NOTE_REQUIRED = "note.required",
    // ---- unified social credit code ----
    /// A USCI has `found` characters instead of 18.
    USCI_LENGTH = "usci.length",
    /// Character number `position` (`found`) is outside the USCI alphabet.
    USCI_CHARACTER = "usci.character",
    /// Characters 3 to 8 (the administrative division code) must be digits.
    USCI_DIVISION = "usci.division",
    /// The check character should be `expected`, the code has `found`.
    USCI_CHECKSUM = "usci.checksum",
    // ---- numbers and money ----
    /// Not a number.
    NUMBER_INVALID = "number.invalid",
    /// Must be zero or more.
    NUMBER_NEGATIVE = "number.negative",
    /// Must be above zero.
    NUMBER_NOT_POSITIVE = "number.not_positive",
    /// More than `max` decimals.
    NUMBER_DECIMALS = "number.decimals",
    /// Must be a whole number.
    NUMBER_NOT_WHOLE = "number.not_whole",
    /// A share between 0 and 1 (0.9 is 90%).
    SHARE_RANGE = "share.range",
    /// Must be between `min` and `max`.
    NUMBER_RANGE = "number.range",
    /// At most `max` days.
    DAYS_TOO_MANY = "days.too_many",
    /// An amount above zero with at most two decimals.
    AMOUNT_INVALID = "amount.invalid",
    /// At most `max` (10^15): larger than any real amount.
    AMOUNT_TOO_LARGE = "amount.too_large",
    /// At least `min` (-10^15).
    AMOUNT_TOO_SMALL = "amount.too_small",
    /// Must not be below the field `other`.
    RANGE_INVERTED = "range.inverted",
    /// Not a currency (three capital letters, ISO 4217).
    CURRENCY_INVALID = "currency.invalid",
    /// Amounts of this account are kept in `currency`.
    CURRENCY_ACCOUNT = "currency.account",
    /// An exchange rate converts between two different currencies.
    RATE_SAME_CURRENCY = "rate.same_currency",
    // ---- dates ----
    /// Not a date (`YYYY-MM-DD`).
    DATE_INVALID = "date.invalid",
    /// Must be today or later.
    DATE_PAST = "date.past",
    /// Cannot be in the future.
    DATE_FUTURE = "date.future",
    /// At most `days` days ahead.
    DATE_TOO_FAR = "date.too_far",
    /// The start must not be after the end (`other`).
    DATE_ORDER = "date.order",
    /// At most `days` days at a time.
    DATE_SPAN = "date.span",
    /// Only for today (the server's clock).
    DATE_TODAY_ONLY = "date.today_only",
    /// Must be on or after `date` (the earliest date Credence takes).
    DATE_TOO_EARLY = "date.too_early",
    /// Must be on or before `date` (the latest date Credence takes).
    DATE_TOO_LATE = "date.too_late",
    // ---- lists ----
    /// Add at least one.
    LIST_EMPTY = "list.empty",
    /// At most `max` items.
    LIST_TOO_LONG = "list.too_long",
    /// `min` to `max` items.
    LIST_LENGTH = "list.length",
    /// Another item has this key.
    KEY_DUPLICATE = "key.duplicate",
    /// Add at least one contact.
    CONTACTS_REQUIRED = "contacts.required",
    /// A contact needs a phone or an email.
    CONTACT_REACHABLE = "contact.reachable",
    /// Choose one of the options.
    CHOICE_INVALID = "choice.invalid",
    /// Yes or no.
    YES_NO = "choice.yes_no",
    /// Sales reps request; they cannot approve.
    MATRIX_SALES_APPROVER = "matrix.sales_approver",
    /// The last rule of the approval matrix must match every request.
    MATRIX_NO_CATCH_ALL = "matrix.no_catch_all",
    /// Give at least one role.
    ROLES_REQUIRED = "roles.required",
    /// An admin cannot take the admin role from themselves.
    ROLES_SELF_ADMIN = "roles.self_admin",
    /// The username is taken (the local directory's usernames are global).
    USERNAME_TAKEN = "username.taken",
    /// Not the code the authenticator app shows now (two-step verification).
    MFA_CODE_WRONG = "mfa.code_wrong",
    /// Dunning steps must be listed by rising day.
    STEPS_ORDER = "steps.order",
    /// A batch must be `{"events": [ ... ]}`.
    EVENTS_SHAPE = "events.shape",
    // ---- lists ----
    /// A list longer than `max` items.
    TOO_MANY = "list.too_many",
    // ---- customers and requests ----
    /// A registration number that is not in its country's form (the message says which).
    REGISTRATION_INVALID = "registration.invalid",
    /// A custom field with a bad key (`a-z 0-9 _`, at most 40) or value (text, number, yes/no).
    CUSTOM_FIELD_INVALID = "custom.invalid",
    /// The record at this number is another customer's (its number differs).
    CUSTOMER_NUMBER_TAKEN = "customer.number_taken",
    /// The company is already a customer: `number` `name`.
    CUSTOMER_EXISTS = "customer.exists",
    /// No such customer.
    CUSTOMER_UNKNOWN = "customer.unknown",
    /// The customer has no account yet.
    CUSTOMER_NO_ACCOUNT = "customer.no_account",
    /// The customer is on the blacklist: no more credit until the removal is approved.
    CUSTOMER_BLACKLISTED = "customer.blacklisted",
    /// The customer is on the blacklist already.
    CUSTOMER_ALREADY_BLACKLISTED = "customer.already_blacklisted",
    /// The applicant is on the blacklist `since` a date for `reason`.
    PARTY_BLACKLISTED = "party.blacklisted",
    /// A secret was sent back as a fingerprint that names no stored secret: type it again.
    SECRET_UNKNOWN = "secret.unknown",
    /// No such blacklist entry.
    BLACKLIST_UNKNOWN = "blacklist.unknown",
    /// The customer is not on the blacklist.
    CUSTOMER_NOT_BLACKLISTED = "customer.not_blacklisted",
    /// The customer is not on hold.
    CUSTOMER_NOT_ON_HOLD = "customer.not_on_hold",
    /// No prepayment share is set on the credit file to lift.
    NO_PREPAYMENT_SET = "prepayment.not_set",
    /// Not a user of this tenant.
    USER_UNKNOWN = "user.unknown",
    /// No such order waiting in the blocked queue.
    ORDER_NOT_BLOCKED = "order.not_blocked",
    /// A new credit line is requested with a credit application.
    CHANGE_NEEDS_APPLICATION = "change.needs_application",
    /// A resubmitted request asks for the same kind of change.
    CHANGE_SAME_KIND = "change.same_kind",
    /// A group's request changes its limit (`limit`); a party's takes it off the blacklist
    /// (`blacklist_remove`): `allowed` names the type.
    CHANGE_NOT_FOR_SUBJECT = "change.not_for_subject",
    /// The limit asked for is the limit in force already.
    LIMIT_UNCHANGED = "limit.unchanged",
    /// A warning rule or engine document is not valid (the message says why).
    DOCUMENT_INVALID = "document.invalid",
    /// A dispute names an invoice the customer has no open amount on.
    INVOICE_NOT_OPEN = "invoice.not_open",
    /// More than 0 and at most `max`: what is open and not yet disputed (a dispute) or
    /// what is disputed (a resolution).
    DISPUTE_AMOUNT = "dispute.amount",
    // ---- problems (409 and others) ----
    /// 409: the record changed since it was read; reload and try again.
    VERSION_CONFLICT = "conflict.version",
    /// 409: what the request would create exists already (an open request, a blacklist entry).
    ALREADY_EXISTS = "conflict.exists",
    /// 409: the action does not apply in the record's current state (done, closed, resolved).
    NOT_APPLICABLE = "conflict.not_applicable",
    /// 403: the approval matrix routes this change through more people (or another role):
    /// file a request; only an admin may override, with a reason.
    NEEDS_APPROVAL = "forbidden.needs_approval",
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_code_is_unique() {
        // Arrange
        let unique: BTreeSet<&str> = ALL.iter().copied().collect();
        // Act
        let repeated = ALL.len() - unique.len();
        // Assert
        assert_eq!(repeated, 0, "a code is listed twice");
    }

    #[test]
    fn every_code_is_dotted_lower_case_words() {
        // Arrange
        let word =
            |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        // Act
        let bad: Vec<&&str> = ALL
            .iter()
            .filter(|c| {
                let parts: Vec<&str> = c.split('.').collect();
                parts.len() < 2 || !parts.iter().all(|p| word(p))
            })
            .collect();
        // Assert
        assert!(bad.is_empty(), "not dotted lower-case words: {bad:?}");
    }

    #[test]
    fn the_list_holds_the_constants() {
        assert!(ALL.contains(&code::USCI_CHECKSUM));
        assert!(ALL.contains(&code::VERSION_CONFLICT));
    }
}
