//! Tables: one that turns each row into a card on phones (so the page never scrolls
//! sideways), and the numbers behind a chart for screen readers. The rows are the caller's.

use leptos::prelude::*;

/// A column head: its words, and how it shows.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    label: fn() -> &'static str,
    /// Figures: aligned right.
    num: bool,
    /// Named for screen readers only (a column of buttons).
    unseen: bool,
}

impl Col {
    pub fn text(label: fn() -> &'static str) -> Self {
        Col {
            label,
            num: false,
            unseen: false,
        }
    }

    pub fn num(label: fn() -> &'static str) -> Self {
        Col {
            num: true,
            ..Col::text(label)
        }
    }

    pub fn unseen(label: fn() -> &'static str) -> Self {
        Col {
            unseen: true,
            ..Col::text(label)
        }
    }
}

fn head(cols: Vec<Col>) -> impl IntoView {
    view! {
        <thead>
            <tr>
                {cols.into_iter().map(|c| {
                    let label = c.label;
                    view! {
                        <th scope="col" class:num=c.num>
                            {if c.unseen {
                                view! { <span class="sr-only">{label}</span> }.into_any()
                            } else {
                                label.into_any()
                            }}
                        </th>
                    }
                }).collect_view()}
            </tr>
        </thead>
    }
}

/// A table whose rows stack into cards on phones.
#[component]
pub fn StackTable(
    /// Classes besides `table stack-table`.
    #[prop(optional)]
    class: &'static str,
    testid: &'static str,
    cols: Vec<Col>,
    children: Children,
) -> impl IntoView {
    let class = if class.is_empty() {
        "table stack-table".to_owned()
    } else {
        format!("table stack-table {class}")
    };
    view! {
        <div class="table-scroll">
            <table class=class data-testid=testid>
                {head(cols)}
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// The numbers a chart draws, as a table only screen readers see.
#[component]
pub fn ChartTable(
    caption: fn() -> &'static str,
    cols: Vec<Col>,
    children: Children,
) -> impl IntoView {
    view! {
        <table class="sr-only">
            <caption>{caption}</caption>
            {head(cols)}
            <tbody>{children()}</tbody>
        </table>
    }
}
