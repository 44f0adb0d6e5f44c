//! [`html`]: a laid-out report as a print-ready page (A4, `@media print`). One standalone
//! document: the app shows it in its print view, and anyone can save or file it as is. Its
//! style is scoped to `.credit-report`, so it changes nothing around it when embedded.

use super::doc::{Block, Doc, Fact, Table, Tone};
use super::svg::chart_html;
use std::fmt::Write;

const STYLE: &str = "
@page { size: A4; margin: 14mm 12mm; }
.credit-report { font-family: 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif;
  color: #1f2933; font-size: 12px; line-height: 1.45; max-width: 186mm; margin: 0 auto; }
.credit-report h1 { font-size: 20px; margin: 0 0 4px; }
.credit-report .subtitle { color: #52606d; margin: 0 0 10px; }
.credit-report .notice { border: 1px solid #9aa5b1; background: #f5f7fa; padding: 6px 8px; margin: 0 0 10px; }
.credit-report section { margin: 12px 0 0; break-inside: auto; }
.credit-report h2 { font-size: 14px; border-bottom: 1px solid #9aa5b1; padding-bottom: 2px; margin: 0 0 6px;
  break-after: avoid; }
.credit-report dl { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4px 12px; margin: 0 0 6px; }
.credit-report dl div { break-inside: avoid; }
.credit-report dt { color: #52606d; font-size: 10px; }
.credit-report dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.credit-report .bad { color: #b42318; }
.credit-report .good { color: #067647; }
.credit-report table { width: 100%; border-collapse: collapse; margin: 0 0 6px; font-size: 11px; }
.credit-report th { text-align: left; background: #eef1f4; font-weight: 600; }
.credit-report th, .credit-report td { padding: 2px 4px; border-bottom: 1px solid #d9dee3; vertical-align: top;
  overflow-wrap: anywhere; }
.credit-report .num { text-align: right; white-space: nowrap; }
.credit-report tr { break-inside: avoid; }
.credit-report thead { display: table-header-group; }
.credit-report figure { margin: 4px 0 6px; break-inside: avoid; }
.credit-report figcaption { font-size: 10px; color: #52606d; }
.credit-report svg { width: 100%; height: auto; max-height: 160px; }
.credit-report footer { margin-top: 14px; color: #7b8794; font-size: 10px; border-top: 1px solid #d9dee3;
  padding-top: 4px; }
@media screen and (max-width: 600px) { .credit-report dl { grid-template-columns: repeat(2, 1fr); }
  .credit-report table { font-size: 10px; } }
";

/// `doc` as a standalone HTML page.
pub fn html(doc: &Doc) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>{STYLE}</style></head><body><article class=\"credit-report\" data-testid=\"credit-report\">\
         <h1>{}</h1><p class=\"subtitle\">{}</p>",
        doc.lang.tag(),
        esc(&doc.title),
        esc(&doc.title),
        esc(&doc.subtitle)
    );
    if let Some(notice) = &doc.notice {
        let _ = write!(out, "<p class=\"notice\" role=\"note\">{}</p>", esc(notice));
    }
    for section in &doc.sections {
        let _ = write!(out, "<section><h2>{}</h2>", esc(&section.title));
        for block in &section.blocks {
            match block {
                Block::Facts(facts) => facts_html(&mut out, facts),
                Block::Table(table) => table_html(&mut out, table),
                Block::Text(text) => {
                    let _ = write!(out, "<p>{}</p>", esc(text));
                }
                Block::Chart(chart) => chart_html(&mut out, chart),
            }
        }
        out.push_str("</section>");
    }
    let _ = write!(
        out,
        "<footer>{}</footer></article></body></html>",
        esc(&doc.footer)
    );
    out
}

fn facts_html(out: &mut String, facts: &[Fact]) {
    out.push_str("<dl>");
    for f in facts {
        let class = match f.tone {
            Tone::Plain => "",
            Tone::Good => " class=\"good\"",
            Tone::Bad => " class=\"bad\"",
        };
        let _ = write!(
            out,
            "<div><dt>{}</dt><dd{class}>{}</dd></div>",
            esc(&f.label),
            esc(&f.value)
        );
    }
    out.push_str("</dl>");
}

fn table_html(out: &mut String, table: &Table) {
    if table.rows.is_empty() {
        if !table.empty.is_empty() {
            let _ = write!(out, "<p>{}</p>", esc(&table.empty));
        }
        return;
    }
    out.push_str("<table><thead><tr>");
    for c in &table.columns {
        let class = if c.numeric { " class=\"num\"" } else { "" };
        let _ = write!(out, "<th scope=\"col\"{class}>{}</th>", esc(&c.title));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for (cell, c) in row.iter().zip(&table.columns) {
            let class = if c.numeric { " class=\"num\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", esc(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// Text for HTML: the five characters that could open markup or an attribute, escaped.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Lang, Section};

    fn doc_with(text: &str) -> Doc {
        Doc {
            lang: Lang::ZhCn,
            title: "信用报告 · 客户".into(),
            subtitle: "s".into(),
            notice: None,
            sections: vec![Section {
                title: "t".into(),
                blocks: vec![Block::Text(text.into())],
            }],
            footer: "f".into(),
        }
    }

    #[test]
    fn text_that_looks_like_markup_is_escaped() {
        // Arrange
        let doc = doc_with("<script>alert('x')</script> & \"co\"");

        // Act
        let page = html(&doc);

        // Assert
        assert!(!page.contains("<script>"), "{page}");
        assert!(
            page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;")
        );
    }

    #[test]
    fn the_page_declares_its_language_and_prints_on_a4() {
        let page = html(&doc_with("x"));

        assert!(page.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"));
        assert!(page.contains("@page { size: A4;"));
        assert!(page.contains("<title>信用报告 · 客户</title>"));
    }
}
