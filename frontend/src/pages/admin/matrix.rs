//! The approval matrix as a tenant document, and its table: one row per rule, first match
//! wins.

use credence_shared::workflow::{ApprovalMatrix, RequestKind};
use leptos::prelude::*;

use crate::api;
use crate::components::doc_editor::tenant_doc;
use crate::components::labels::kind_label;
use crate::components::layout::role_label;
use crate::components::money::format_money;
use crate::components::table::{Col, StackTable};
use crate::i18n::{t_string, use_i18n};

tenant_doc!(ApprovalMatrix {
    name: "matrix",
    title: admin_matrix,
    hint: matrix_hint,
    load: api::approval_matrix,
    save: api::save_approval_matrix,
    show: |matrix| view! { <MatrixTable matrix /> },
});

/// The matrix as people read it: one row per rule, first match wins.
#[component]
fn MatrixTable(matrix: ApprovalMatrix) -> impl IntoView {
    let i18n = use_i18n();
    let currency = matrix.currency;
    let any = move || t_string!(i18n, any);
    view! {
        <StackTable class="matrix" testid="matrix-table" cols=vec![
            Col::text(|| "#"),
            Col::text(|| t_string!(use_i18n(), matrix_rule)),
            Col::text(|| t_string!(use_i18n(), matrix_kinds)),
            Col::text(|| t_string!(use_i18n(), grade)),
            Col::text(|| t_string!(use_i18n(), amount)),
            Col::text(|| t_string!(use_i18n(), steps_title)),
        ]>
            {matrix.rules.into_iter().enumerate().map(|(i, rule)| {
                let kinds: Vec<RequestKind> = rule.kinds.clone();
                let grades = rule.grades.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(" ");
                let money = |d: rust_decimal::Decimal| format_money(&credence_shared::Money::new(d, currency));
                let band = match (rule.min_amount, rule.max_amount) {
                    (None, None) => None,
                    (Some(min), None) => Some(format!("≥ {}", money(min))),
                    (None, Some(max)) => Some(format!("≤ {}", money(max))),
                    (Some(min), Some(max)) => Some(format!("{} – {}", money(min), money(max))),
                };
                view! {
                    <tr>
                        <td class="muted">{i + 1}</td>
                        <td><strong>{rule.name.clone()}</strong></td>
                        <td>
                            {if kinds.is_empty() {
                                view! { <span class="muted">{any}</span> }.into_any()
                            } else {
                                view! {
                                    <span class="chips">
                                        {kinds.into_iter().map(|k| view! { <span class="badge badge-neutral">{move || kind_label(k)}</span> }).collect_view()}
                                    </span>
                                }.into_any()
                            }}
                        </td>
                        <td>{if grades.is_empty() { any().to_owned() } else { grades }}</td>
                        <td class="nowrap">{band.unwrap_or_else(|| any().to_owned())}</td>
                        <td>
                            <ol class="step-chain">
                                {rule.steps.into_iter().map(|s| {
                                    let (role, hours) = (s.role, s.sla_hours);
                                    view! { <li>{move || role_label(role)} <span class="muted small">" " {hours} "h"</span></li> }
                                }).collect_view()}
                            </ol>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </StackTable>
    }
}
