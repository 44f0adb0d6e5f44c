//! The laid-out report, in one language, before it is rendered: what both renderers (the
//! HTML print page and the server's PDF) draw, so they show the same words and figures.

use super::Lang;
use rust_decimal::Decimal;

/// A report laid out: a title, a line under it, an optional notice, and sections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub lang: Lang,
    pub title: String,
    /// Customer number, registration code, as-of date and who generated it.
    pub subtitle: String,
    /// Shown framed under the title (the decision a snapshot was kept for).
    pub notice: Option<String>,
    pub sections: Vec<Section>,
    /// The last line of every page.
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Label and value pairs, laid out in a grid.
    Facts(Vec<Fact>),
    Table(Table),
    /// A paragraph.
    Text(String),
    /// A line chart; always followed by a table of the same figures (for screen readers
    /// and for anyone who wants the numbers).
    Chart(Chart),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
    pub tone: Tone,
}

/// How a value should stand out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Plain,
    /// Good news (on time, within the limit).
    Good,
    /// Needs attention (over the limit, overdue, on hold).
    Bad,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Shown instead of an empty table.
    pub empty: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    /// Right-aligned (amounts, counts, days).
    pub numeric: bool,
    /// Relative width on paper.
    pub weight: u8,
}

impl Column {
    pub fn text(title: impl Into<String>, weight: u8) -> Self {
        Column {
            title: title.into(),
            numeric: false,
            weight,
        }
    }

    pub fn number(title: impl Into<String>, weight: u8) -> Self {
        Column {
            title: title.into(),
            numeric: true,
            weight,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub title: String,
    /// One label per point on the x axis.
    pub labels: Vec<String>,
    pub series: Vec<Series>,
}

/// One line of a chart; a missing value leaves a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<Decimal>>,
}

impl Chart {
    /// The lowest and highest value over every series, widened so a flat line sits in the
    /// middle; `None` when there is nothing to draw.
    pub fn range(&self) -> Option<(Decimal, Decimal)> {
        let values = self.series.iter().flat_map(|s| s.values.iter().flatten());
        let (lo, hi) = values.fold(None, |acc: Option<(Decimal, Decimal)>, v| match acc {
            None => Some((*v, *v)),
            Some((lo, hi)) => Some((lo.min(*v), hi.max(*v))),
        })?;
        if lo == hi {
            Some((lo - Decimal::ONE, hi + Decimal::ONE))
        } else {
            Some((lo, hi))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn a_chart_range_spans_every_series_and_skips_gaps() {
        // Arrange
        let chart = Chart {
            title: "t".into(),
            labels: vec!["a".into(), "b".into()],
            series: vec![
                Series {
                    name: "x".into(),
                    values: vec![Some(dec!(10)), None],
                },
                Series {
                    name: "y".into(),
                    values: vec![Some(dec!(-2)), Some(dec!(7))],
                },
            ],
        };

        // Act
        let range = chart.range();

        // Assert
        assert_eq!(range, Some((dec!(-2), dec!(10))));
    }

    #[test]
    fn a_flat_chart_is_widened_and_an_empty_one_has_no_range() {
        let flat = Chart {
            title: "t".into(),
            labels: vec!["a".into()],
            series: vec![Series {
                name: "x".into(),
                values: vec![Some(dec!(5))],
            }],
        };
        let empty = Chart {
            series: vec![Series {
                name: "x".into(),
                values: vec![None],
            }],
            ..flat.clone()
        };

        assert_eq!(flat.range(), Some((dec!(4), dec!(6))));
        assert_eq!(empty.range(), None);
    }
}
