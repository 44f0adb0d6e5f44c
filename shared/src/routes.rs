//! Which app paths belong to the back office, the second frontend bundle.
//!
//! The browser app ships as two bundles: the field app (sign-in, customer search, the
//! customer card and its requests, inbox, alerts) in `dist/`, and the back office in
//! `dist/office/`. The frontend makes links to these paths full page loads, the local
//! server answers them with `office/index.html`, and the CloudFront viewer-request
//! function in `infra/template.yaml` does the same (a test below keeps its copy of the
//! list equal to this one).

/// The first path segment of every back-office page, with its leading slash.
pub const OFFICE_PREFIXES: [&str; 6] = [
    "/worklist",
    "/dashboard",
    "/apply",
    "/blacklist",
    "/audit",
    "/admin",
];

/// Where the back-office bundle is served from (Trunk's `--public-url`).
pub const OFFICE_DIR: &str = "office";

/// Whether `path` (an app path such as `/admin/users`, no query) is a back-office page:
/// one of [`OFFICE_PREFIXES`] or below it, never a longer name that merely starts alike.
pub fn is_office_path(path: &str) -> bool {
    OFFICE_PREFIXES.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::{OFFICE_PREFIXES, is_office_path};

    #[test]
    fn back_office_paths_are_the_prefixes_and_what_lies_below_them() {
        assert!(is_office_path("/admin"));
        assert!(is_office_path("/admin/users"));
        assert!(is_office_path("/apply"));
        assert!(!is_office_path("/administrator"));
        assert!(!is_office_path("/"));
        assert!(!is_office_path("/inbox"));
        assert!(!is_office_path("/alerts"));
        assert!(!is_office_path("/customers/C1/requests/R1"));
        assert!(!is_office_path(
            "/office/credence-frontend-0123456789abcdef.js"
        ));
    }

    /// The CloudFront function cannot import Rust, so it carries its own copy of the
    /// list; this keeps the two equal.
    #[test]
    fn the_cloudfront_function_lists_the_same_back_office_paths() {
        let template = include_str!("../../infra/template.yaml");
        let line = template
            .lines()
            .find(|l| l.contains("var office = ["))
            .expect("the SPA rewrite function lists the back-office prefixes");
        let listed: Vec<&str> = line.split('\'').skip(1).step_by(2).collect();
        assert_eq!(listed, OFFICE_PREFIXES);
    }
}
